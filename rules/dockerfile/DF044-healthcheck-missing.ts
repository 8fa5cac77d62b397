import type { Instruction } from 'dockerfile-ast';
import { defineRule } from '../engine/rule';
import type { BaseImage, DockerfileContext, Stage } from '../engine/dockerfile';
import { servicesBuilding } from '../engine/relations';
import { declaresHealthcheck } from '../engine/image-healthchecks';
import { everyVariantGives, rootBase, stageChain } from '../engine/stage-scope';
import type { Detection } from '../engine/types';
import { officialImageName } from '../engine/image';

interface Data {
  /** The final stage's name, or null. */
  stage: string | null;
}

/** Shells and language prompts: an image that starts one of these without arguments is a toolbox or a base image, not a service. */
const INTERACTIVE = /^(?:sh|bash|ash|dash|zsh|fish|python(?:\d+(?:\.\d+)?)?|node|nodejs|irb|ruby|perl|php|iex|erl|ghci|jshell|R|julia|lua|pwsh|powershell|cmd(?:\.exe)?)$/;
/** Images that are an operating system or a language toolchain: without a CMD of its own, an image built on one starts a shell or a prompt. */
const OS_OR_TOOLCHAIN = /^(?:alpine|debian|ubuntu|busybox|centos|fedora|rockylinux|almalinux|amazonlinux|oraclelinux|archlinux|opensuse\/[\w.-]+|windows(?:\/(?:servercore|nanoserver|server))?|python|node|golang|ruby|openjdk|eclipse-temurin|amazoncorretto|rust|gcc|buildpack-deps|perl|erlang|elixir|haskell|julia|r-base|swift|dart|maven|gradle|php)$/;

/** An OS or toolchain image, on Docker Hub or (Windows) on mcr.microsoft.com. */
function isOsOrToolchain(base: BaseImage): boolean {
  if (base.kind !== 'image' || (base.ref.registry !== null && base.ref.registry !== 'mcr.microsoft.com') || !OS_OR_TOOLCHAIN.test(base.ref.repository)) return false;
  // php's fpm and apache variants start a server (`CMD ["php-fpm"]` with `EXPOSE 9000`, `CMD
  // ["apache2-foreground"]` with `EXPOSE 80`): no toolchain prompt (review 24, probe df-07).
  return !(base.ref.repository === 'php' && /(?:^|-)(?:fpm|apache)(?:-|$)/.test(base.ref.tag ?? ''));
}

/**
 * More images that start a shell when given no command, though an image built on them with a command
 * of its own is usually a service (so they do not count for the bare-program case below): nvidia/cuda
 * (Ubuntu with the CUDA toolkit), Microsoft's .NET runtime and SDK images (self-contained .NET services
 * run on runtime-deps), the .NET Framework runtime and SDK images on Windows Server Core (no CMD: they
 * start its cmd; review 24, probe df-04), Windows Server Core and Nano Server under their old Docker Hub names, and the
 * conda distributions (continuumio's miniconda3/anaconda3, conda-forge's miniforge3, micromamba: `CMD
 * ["/bin/bash"]`; review 17, probe df-05).
 */
const SHELL_WITHOUT_COMMAND = /^(?:nvidia\/cuda|dotnet\/(?:runtime-deps|runtime|sdk)|dotnet\/framework\/(?:runtime|sdk)|(?:microsoft\/)?(?:windowsservercore|nanoserver)|ocaml\/opam|continuumio\/(?:miniconda3?|anaconda3?)|condaforge\/(?:miniforge3|mambaforge)|mambaorg\/micromamba)$/;

/**
 * The same, on other registries (`registry/repository`): CentOS Stream and Fedora on quay.io, Fedora (and
 * Fedora minimal) on registry.fedoraproject.org (podman's Containerfile, review 8 probe df-07), Red Hat's
 * UBI and UBI minimal (their CMD is a shell; not ubi-init, which starts systemd). Review 6, probe df-10.
 * And uv's images (ghcr.io/astral-sh/uv): the distroless ones start the uv CLI, the derived ones
 * (`python3.14-bookworm-slim`, `alpine`, `debian`…) an OS with uv installed, `CMD ["/usr/local/bin/uv"]`
 * (https://docs.astral.sh/uv/guides/integration/docker/; review 17, probe df-05).
 */
const SHELL_WITHOUT_COMMAND_ELSEWHERE = /^(?:quay\.io\/(?:centos\/centos|fedora\/fedora(?:-minimal)?)|registry\.fedoraproject\.org\/fedora(?:-minimal)?|registry\.access\.redhat\.com\/ubi\d+(?:\/ubi(?:-minimal)?|-minimal)?|ghcr\.io\/astral-sh\/uv)$/;

/** Whether an image built on `base` with no CMD/ENTRYPOINT of its own starts a shell or a prompt. */
function startsShellWithoutCommand(base: BaseImage): boolean {
  if (isOsOrToolchain(base)) return true;
  if (base.kind !== 'image') return false;
  const ref = base.ref;
  // The official docker image (the CLI) starts `sh`; its `dind` tags start the daemon, a service.
  if (officialImageName(ref) === 'docker' && !/dind/.test(ref.tag ?? '')) return true;
  if (ref.registry === null || ref.registry === 'mcr.microsoft.com') return SHELL_WITHOUT_COMMAND.test(ref.repository);
  return SHELL_WITHOUT_COMMAND_ELSEWHERE.test(`${ref.registry}/${ref.repository}`);
}

/** The argv of a CMD or ENTRYPOINT (JSON form, or the words of the shell form). */
function argvOf(ctx: DockerfileContext, ins: Instruction | undefined): string[] | undefined {
  if (!ins) return undefined;
  const r = ins.getArgumentsRange();
  const text = r ? ctx.text.slice(ctx.offsetAt(r.start), ctx.offsetAt(r.end)).trim() : '';
  if (text.startsWith('[')) {
    try {
      const v: unknown = JSON.parse(text);
      if (Array.isArray(v)) return v.map(String);
    } catch {
      // not JSON: read as shell form below
    }
  }
  return ctx.scriptsOf(ins)[0]?.commands[0]?.words.map((w) => w.value) ?? [];
}

/** Whether the image's start command is a prompt or a help text rather than a service. */
function startsNoService(entrypoint: string[] | undefined, cmd: string[] | undefined): boolean {
  if (cmd && cmd.length > 0 && cmd.every((a) => /^(?:--help|-h|help|--version|-V|version)$/.test(a))) return true;
  // Kept alive to be exec'ed into: `sleep infinity`, `tail -f /dev/null`.
  const all = [...(entrypoint ?? []), ...(cmd ?? [])].join(' ');
  const keepAlive = /^(?:\S*\/)?sleep (?:inf|infinity)$|^(?:\S*\/)?tail -f \/dev\/null$/;
  if (keepAlive.test(all)) return true;
  // The same CMD behind an init or a wrapper script that runs it (`ENTRYPOINT ["/usr/local/share/init-dev-container.sh"]`, tini).
  if (cmd && entrypoint && entrypoint.length > 0 && /\.sh$|(?:^|\/)(?:tini|dumb-init|init)$/.test(entrypoint[0]) && keepAlive.test(cmd.join(' '))) return true;
  // `ENTRYPOINT ["docker-entrypoint.sh"]` + `CMD ["node"]`: the entrypoint script runs the CMD.
  const entryIsWrapper = !entrypoint || entrypoint.length === 0 || /entrypoint(?:\.sh)?$/.test(entrypoint[0]);
  const command = entryIsWrapper ? cmd : entrypoint;
  if (!command || command.length === 0) return false;
  const prog = command[0].slice(command[0].lastIndexOf('/') + 1);
  const args = command.slice(1).filter((a) => a !== '-i' && a !== '-a' && a !== '-l');
  return INTERACTIVE.test(prog) && args.length === 0 && (!entryIsWrapper || !entrypoint || entrypoint.length <= 1);
}

/** Whether the final stage (or a copy of it built on one stage its variable FROM could name: chainVariants) lacks a HEALTHCHECK it needs. */
function judgeFinal(ctx: DockerfileContext, final: Stage): Detection<Data>[] {
  const chain = stageChain(final);
  const has = (kw: string) => chain.some((s) => s.instructions.some((i) => i.getKeyword() === kw));
  if (has('HEALTHCHECK')) return [];
  const last = (kw: string) => {
    for (const s of chain) for (let i = s.instructions.length - 1; i >= 0; i--) if (s.instructions[i].getKeyword() === kw) return s.instructions[i];
    return undefined;
  };
  const entrypoint = last('ENTRYPOINT');
  const cmd = last('CMD');
  const base = rootBase(final);
  // A base image that declares its own HEALTHCHECK: the final stage inherits it.
  if (base.kind === 'image' && declaresHealthcheck(base.ref)) return [];
  if (!entrypoint && !cmd) {
    // Starts what the base image starts: nothing (scratch artifact) or a shell/prompt (OS and toolchain images).
    if (base.kind === 'scratch') return [];
    if (startsShellWithoutCommand(base)) return [];
  }
  const entryArgv = argvOf(ctx, entrypoint);
  const cmdArgv = argvOf(ctx, cmd);
  if (startsNoService(entryArgv, cmdArgv)) return [];
  const building = servicesBuilding(ctx.workspace, ctx.path, ctx.options);
  if (building.some((b) => b.compose.serviceGet(b.service, 'healthcheck'))) return [];
  // Unknown whether it is a service at all: no port, no compose service runs it, and a bare program on a
  // plain OS base or scratch (uv's image: one static binary, `ENTRYPOINT ["/uv"]`), Windows ones included (`ENTRYPOINT ["aws"]`, `CMD ["fontforge"]`,
  // `ENTRYPOINT ["windows_exporter.exe"]`: command-line tools and agents), or a bare program or no
  // command at all on a base that cannot be resolved (`FROM binaries-$TARGETOS`, an ARG without
  // default): what that base is and starts is not guessed.
  const command = [...(entryArgv ?? []), ...(cmdArgv ?? [])];
  if (building.length === 0 && !has('EXPOSE') && ((command.length === 1 && (isOsOrToolchain(base) || base.kind === 'scratch')) || (command.length <= 1 && base.kind === 'unknown'))) return [];
  const r = final.from.getRange();
  return [{ range: { start: r.start, end: { line: r.start.line, character: ctx.lines.lineText(r.start.line).length } }, data: { stage: final.name } } as Detection<Data>];
}

export default defineRule<'dockerfile', Data>({
  code: 'DF044',
  name: 'healthcheck-missing',
  kind: 'dockerfile',
  severity: 'info',
  fixable: 'never',
  docs: {
    summary: 'The final stage has no HEALTHCHECK, its own or inherited, while the image seems to run a service.',
    what: 'Flags a Dockerfile whose final stage has no HEALTHCHECK (its own, inherited from the stage it builds on, or from a base image known to declare one: the images DC022 lists, each checked in its published Dockerfile). `HEALTHCHECK NONE` counts as a decision and is fine. Not flagged when a compose service in the workspace that builds this Dockerfile defines `healthcheck:` (the check then lives there), or when the image evidently runs no service: a `FROM scratch` artifact image without CMD/ENTRYPOINT (`docker build --output`), an image on an OS or language toolchain base (alpine, debian, ubuntu, windows — `mcr.microsoft.com/windows`, `/servercore`, `/nanoserver`, `/server` —, python, node, golang, php…, but not php\'s `fpm` and `apache` variants, which start a server; and, for this case only, nvidia/cuda, Microsoft\'s .NET runtime and SDK images `mcr.microsoft.com/dotnet/runtime-deps`, `runtime`, `sdk`, and the .NET Framework ones `mcr.microsoft.com/dotnet/framework/runtime`, `sdk`, Windows Server Core and Nano Server under their old names, ocaml/opam, the docker CLI image (not its `dind` tags, which start the daemon), the conda distributions (`continuumio/miniconda3`, `anaconda3`, `condaforge/miniforge3`, `mambaorg/micromamba`), uv\'s images (`ghcr.io/astral-sh/uv`, distroless and derived such as `:python3.14-bookworm-slim`), CentOS Stream and Fedora from quay.io, Fedora from registry.fedoraproject.org, and Red Hat\'s UBI and UBI minimal) that sets no CMD/ENTRYPOINT of its own (it starts a shell or a prompt), one whose command is a shell or a language prompt without arguments (`CMD ["python3"]`, `ENTRYPOINT ["docker-entrypoint.sh"]` + `CMD ["node"]`), or only `--help`/`--version`, or that only keeps the container alive (`sleep infinity`, `tail -f /dev/null`, also as the CMD of an init or wrapper-script ENTRYPOINT, as dev containers do); and, when no compose service builds it, an image that exposes no port and starts a bare program on an OS/toolchain base or on scratch (uv\'s image: one static binary, `ENTRYPOINT ["/uv"]`), Windows ones included (`ENTRYPOINT ["aws"]`, `CMD ["fontforge"]`, `ENTRYPOINT ["windows_exporter.exe"]` on Nano Server) — whether that is a service is unknown. A final stage whose base cannot be resolved (an ARG without default, or a name through a platform ARG such as `FROM binaries-$TARGETOS` that matches no earlier stage) is not guessed at: it is flagged only when the Dockerfile itself shows a service — an EXPOSE, a compose service that builds it, or a CMD/ENTRYPOINT that is not one of the shapes above and has arguments; with no CMD/ENTRYPOINT or a bare program, no port and no compose service, it is not flagged. A Dockerfile does not say whether its image is a long-running service or a command-line tool (`ENTRYPOINT ["gs"]`): for tools, record the decision with `HEALTHCHECK NONE`. Builder stages are not judged: only the final stage runs. A final stage whose FROM names an earlier stage through a variable (`FROM runtime-$TARGETARCH`) is judged on each stage it could name (the automatic platform ARG\'s values — also in `${TARGETARCH:-amd64}`, since BuildKit always sets these ARGs and the fallback is never used —, or a global ARG default), and reported only when every one lacks a HEALTHCHECK it needs.',
    why: 'Without a health check, Docker (and compose `depends_on: condition: service_healthy`, Swarm, most orchestrators) only knows the process is running, not that it answers: a hung or half-started service keeps receiving traffic and is never restarted. SECURITY-GUIDELINES.md checklist (Development): "Health checks implemented"; §2 Container Runtime Security (availability, "Resource Limits … prevent DoS").',
    bad: 'FROM node:24-alpine\nCOPY . /app\nCMD ["node", "/app/server.js"]',
    good: 'FROM node:24-alpine\nCOPY . /app\nHEALTHCHECK --interval=30s --timeout=3s --retries=3 CMD wget -qO- http://127.0.0.1:3000/health || exit 1\nCMD ["node", "/app/server.js"]',
    fix: 'No automatic fix: a health check has to call something the service answers (an HTTP endpoint, a port, a CLI probe) with a tool that exists in the image, which only the service\'s author knows. Add `HEALTHCHECK CMD …` to the final stage, `healthcheck:` to the compose service, or `HEALTHCHECK NONE` to record that the image needs none (a CLI tool, a job).',
    guideline: 'Security Checklist (Development) — "Health checks implemented"; §2 Container Runtime Security',
    equivalents: ['Checkov CKV_DOCKER_2 (ensure that HEALTHCHECK instructions have been added)', 'Trivy DS-0026 (no HEALTHCHECK defined)', 'KICS "Healthcheck Instruction Missing"'],
    references: ['https://docs.docker.com/reference/dockerfile/#healthcheck', 'https://docs.docker.com/reference/dockerfile/#automatic-platform-args-in-the-global-scope', 'https://docs.docker.com/reference/compose-file/services/#healthcheck', 'https://github.com/aquasecurity/trivy-checks/blob/main/checks/docker/no_healthcheck_instruction.rego', 'https://docs.docker.com/build/building/multi-platform/'],
  },
  check(ctx) {
    const final = ctx.finalStage;
    if (!final) return [];
    // `FROM runtime-$TARGETARCH`: judged on each stage it could name (review 48b, item 2).
    return everyVariantGives(ctx, final, (s) => judgeFinal(ctx, s));
  },
  message(d) {
    return `The final stage${d.stage ? ` '${d.stage}'` : ''} has no HEALTHCHECK, so Docker cannot tell a hung service from a healthy one; add HEALTHCHECK CMD … (or HEALTHCHECK NONE if it needs none).`;
  },
});
