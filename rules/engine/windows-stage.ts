/**
 * Whether a Dockerfile stage builds a Windows image, where there are no uids: USER names an account
 * (ContainerUser, ContainerAdministrator), so "root" and `USER 1000` mean nothing there. DF010 does not
 * judge such stages, nor DC011 the services that build them (review 44b, F4).
 */
import type { Instruction } from 'dockerfile-ast';
import type { DockerfileContext, Stage } from './dockerfile';
import { shellProgram } from './packages';
import { buildsWindows, rootBase, stageChain } from './stage-scope';

/** A SHELL of Windows PowerShell or cmd (PowerShell 7, `pwsh`, also runs on Linux images and does not count). */
const WINDOWS_SHELL = /^(?:powershell|cmd)(?:\.exe)?$/i;

/** An image reference that names a Linux distribution in its name or tag. */
const LINUX_IMAGE = /(?:^|[/:.-])(?:ubuntu|debian|alpine|bookworm|bullseye|buster|trixie|jammy|noble|focal|mariner|azurelinux|centos|rhel|ubi\d*|fedora|amazonlinux|rockylinux|almalinux|opensuse|linux)(?=$|[/:.\d-])/i;

/** A Windows drive path (`C:\`, `c:\app`), as written in an instruction. */
const WINDOWS_DRIVE_PATH = /(?:^|[\s"'=(])[A-Za-z]:\\/;

function instructionText(ctx: DockerfileContext, ins: Instruction): string {
  const r = ins.getRange();
  return ctx.text.slice(ctx.offsetAt(r.start), ctx.offsetAt(r.end));
}

/**
 * Whether a stage builds a Windows image: its base (at the root of its stage chain) is a Windows image
 * (isWindowsImage, through buildsWindows), or a stage of the chain sets a Windows SHELL, or writes a
 * drive path with the Windows escape character.
 */
export function isWindowsStage(ctx: DockerfileContext, stage: Stage): boolean {
  if (buildsWindows(stage)) return true;
  // The backtick escape is the Windows form (a backslash is the path separator there): with it, a
  // drive path in the stage (`C:\`) says Windows, also on the multi-OS PowerShell image (review 24, probe df-06).
  // Not over a base that names a Linux distribution (`powershell:lts-7.4-ubuntu-22.04`; review 25, probe 21).
  const base = rootBase(stage);
  const windowsEscape = ctx.escapeChar === '`' && !(base.kind === 'image' && LINUX_IMAGE.test(base.ref.text));
  for (const s of stageChain(stage)) {
    for (const ins of s.instructions) {
      const program = shellProgram(ins);
      if (program !== null && WINDOWS_SHELL.test(program)) return true;
      if (windowsEscape && WINDOWS_DRIVE_PATH.test(instructionText(ctx, ins))) return true;
    }
  }
  return false;
}
