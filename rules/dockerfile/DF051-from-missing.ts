import { defineRule } from '../engine/rule';
import type { Range } from '../engine/types';

interface Data {
  /**
   * The keyword of the first instruction that is neither ARG nor after a FROM (upper case), or null when it is no
   * Dockerfile instruction: the first word of a line of some other text, which the message never quotes (it may be a
   * secret, or a whole line of a file that is not a Dockerfile).
   */
  keyword: string | null;
  /** Whether the file has no FROM at all (else the instruction comes before the first one). */
  noFrom: boolean;
}

/** A first word written as instructions are by convention, in capitals (`FORM`, `RUNN`): a misspelt instruction. */
const INSTRUCTION_SHAPED = /^[A-Z]{3,}$/;

/** The Dockerfile instructions (Dockerfile reference, "Overview"), besides FROM and ARG. */
const INSTRUCTIONS = new Set(['ADD', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'HEALTHCHECK', 'LABEL', 'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR']);

export default defineRule<'dockerfile', Data>({
  code: 'DF051',
  name: 'from-missing',
  kind: 'dockerfile',
  severity: 'error',
  fixable: 'never',
  docs: {
    summary: 'The Dockerfile has no `FROM`, or an instruction other than `ARG` comes before its first `FROM`: it does not build.',
    what: 'Flags the first instruction of a Dockerfile that comes before any `FROM` and is not an `ARG`: the file has no `FROM` at all, or starts with `RUN`, `ENV`, `MAINTAINER`… and has its `FROM` later. Parser directives, comments and global `ARG`s before the first `FROM` are allowed, as the Dockerfile reference allows them. A file with no instruction at all is not reported, nor a file with no `FROM` none of whose lines is a Dockerfile instruction (`ADD`, `ARG`, `CMD`, `COPY`, … `WORKDIR`) or starts with a word in capitals as instructions are written (`FORM alpine`, a misspelt `FROM`, is still reported): it is text under a Dockerfile\'s name — a list of file names called `app.Dockerfile.sources`, notes —, not a Dockerfile missing its `FROM` (one that has a `FROM` is still reported for a line of other text before it). The message says which case it is. The other Dockerfile rules read the instructions of build stages, so the instructions before the first `FROM` get no other finding, except the RUN commands there, which the rules that read RUN commands (DF013, DF014, DF022…) still judge, and an ENV with a secret (DF020).',
    why: 'Docker refuses such a file ("A Dockerfile must begin with a FROM instruction. This may be after parser directives, comments, and globally scoped ARGs"; BuildKit stops with "no build stage in current context"), so it is a broken or mistaken file — often a fragment pasted from documentation, or a template that a script completes. It is reported so that a file named `Dockerfile` that the other rules cannot read is never shown as clean: a secret written in it is still committed, even though the image never builds.',
    whySummary: 'Docker refuses a Dockerfile that does not begin with FROM (after parser directives, comments and global ARGs), and the other rules cannot read it.',
    bad: 'MAINTAINER Jane Doe <jane@example.com>\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nCMD ["./server"]',
    good: 'ARG DEBIAN_TAG=12-slim\nFROM debian:${DEBIAN_TAG}\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nUSER 1000\nCMD ["./server"]',
    fix: 'No automatic fix: only the author knows the base image. Add a `FROM` line before the first instruction (global `ARG`s may stay above it).',
    guideline: 'None in SECURITY-GUIDELINES.md: the file does not build, and the other rules cannot check it',
    equivalents: ['BuildKit parse error "no build stage in current context"', 'hadolint DL3061 (invalid instruction order: Dockerfile must begin with FROM, ARG or comment)'],
    references: ['https://docs.docker.com/reference/dockerfile/#format', 'https://docs.docker.com/reference/dockerfile/#from', 'https://docs.docker.com/reference/dockerfile/#understand-how-arg-and-from-interact'],
  },
  check(ctx) {
    const out: { range: Range; data: Data }[] = [];
    const noFrom = ctx.stages.length === 0;
    // A file none of whose lines is a Dockerfile instruction is text under a Dockerfile's name (a list of file names
    // called `app.Dockerfile.sources`, notes), not a Dockerfile missing its FROM (review 47b, finding 8).
    // A line whose first word is written in capitals like an instruction (`FORM alpine`, `RUNN make`) still makes it a
    // Dockerfile: a misspelt FROM must not leave a file named Dockerfile shown as clean.
    if (noFrom && !ctx.ast.getInstructions().some((ins) => INSTRUCTIONS.has(ins.getKeyword()) || ins.getKeyword() === 'ARG' || INSTRUCTION_SHAPED.test(ins.getInstruction()))) return out;
    for (const ins of ctx.ast.getInstructions()) {
      const keyword = ins.getKeyword();
      if (keyword === 'FROM') break;
      if (keyword === 'ARG') continue;
      out.push({ range: ins.getRange(), data: { keyword: INSTRUCTIONS.has(keyword) ? keyword : null, noFrom } });
      break;
    }
    return out;
  },
  message(d) {
    const first = d.keyword ?? 'line, which is no Dockerfile instruction';
    return d.noFrom
      ? `This Dockerfile has no FROM instruction, so it does not build (BuildKit: "no build stage in current context"); add a FROM line before the first ${first}. Other rules check only its RUN commands and ENV secrets.`
      : `${d.keyword ?? 'A line that is no Dockerfile instruction'} comes before the first FROM: a Dockerfile must begin with FROM (after parser directives, comments and global ARGs), so it does not build. Move it after the FROM; before it, other rules check only RUN commands and ENV secrets.`;
  },
});
