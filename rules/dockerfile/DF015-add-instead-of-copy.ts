import * as path from 'node:path';
import * as zlib from 'node:zlib';
import type { Instruction } from 'dockerfile-ast';
import { defineRule } from '../engine/rule';
import { addSourceKind, argWords, instructionsNamed, flagsOf, gitPinnedByCommit, keywordCase, looksLikeArchive, resolveAt, unquote, type AddSourceKind } from '../engine/df-instructions';
import type { DockerfileContext } from '../engine/dockerfile';
import type { Range } from '../engine/types';
import { invocation, isVerification } from '../engine/run-commands';
import { failureEndsRun } from '../engine/packages';
import { CHILD_CONTEXT, contextCandidates, contextRelative, type Contexts } from '../engine/build-context';
import { isArchiveHead, isTarHeader } from '../engine/archive-head';
import { looksLikeIssuedCredential } from '../engine/secrets';

type Data =
  /**
   * A URL or Git repository fetched without a checksum: its host and the last segment of its path (the file or the
   * repository), null when it has none or when it looks like a credential (a webhook's secret: review 56c, F2); never its
   * user-info, the rest of its path, its query or its fragment (review 46 leftovers, item 5: a token may sit in any of them).
   */
  | { problem: 'remote'; remote: 'url' | 'git'; host: string | null; file: string | null; /** A later RUN of the stage checks a checksum or signature (it may check this download). */ verifiedLater?: boolean }
  /** A local tar archive: ADD extracts it. */
  | { problem: 'archive'; source: string; /** Only a glob that may match an archive (`Gemfile*`), not an archive's name. */ glob: boolean }
  /** Local files or a heredoc: COPY does the same. */
  | { problem: 'local'; keywordRange: Range | null; keyword: string; safe: boolean };

/** Flags that only ADD understands: with one of them, ADD cannot simply become COPY. */
const ADD_ONLY_FLAGS = ['checksum', 'keep-git-dir', 'unpack'];

/**
 * The host and the last path segment (decoded) of a remote source, as a message names it: `https://user:tok@host:8443/a/b/c.tgz?sig=…`
 * → host:8443 and c.tgz; `git@github.com:moby/buildkit.git#v0.12` → github.com and buildkit.git. Each is cut to 80 characters.
 */
function remoteParts(value: string): { host: string | null; file: string | null } {
  const v = unquote(value);
  const url = /^[a-z][a-z0-9+.-]*:\/\/(?:[^/?#@]*@)?([^/?#]*)([^?#]*)/i.exec(v);
  const scp = url ? null : /^(?:[^@/:]+@)?([^/:]+):([^?#]*)/.exec(v);
  const m = url ?? scp;
  const host = m?.[1] ? m[1] : null;
  const segments = (m ? m[2] : v.replace(/[?#].*$/, '')).split('/').filter((x) => x !== '');
  let file = segments.length > 0 ? segments[segments.length - 1] : null;
  if (file !== null) {
    try {
      file = decodeURIComponent(file);
    } catch {
      // shown as written
    }
    // A webhook's or a capability URL's last segment is the credential itself (`https://hooks.slack.com/services/T…/B…/<secret>`,
    // a share link's token): not named (review 56c, F2).
    if (looksLikeIssuedCredential(file)) file = null;
  }
  const cut = (x: string | null) => (x !== null && x.length > 80 ? `${x.slice(0, 77)}…` : x);
  return { host: cut(host), file: cut(file) };
}

/** A source as shown in a message: no user-info, query or fragment secrets. */
function displaySource(value: string): string {
  let v = value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1').replace(/[?#].*$/, '');
  if (v.length > 80) v = v.slice(0, 77) + '…';
  return v;
}

/**
 * Names of file types that are not tar archives (text, code, configuration, certificates, images, and
 * zip-based or other formats ADD does not unpack). Docker decides by content, not by name, but a file
 * named like these is not a tar archive unless something went very wrong.
 */
const NOT_AN_ARCHIVE_NAME = /\.(?:txt|md|rst|json|jsonc|ya?ml|toml|ini|conf|cfg|cnf|xml|html?|css|scss|js|mjs|cjs|jsx|tsx?|vue|py|rb|php|pl|lua|go|rs|java|kt|scala|c|h|cc|cpp|hpp|cs|sh|bash|zsh|ps1|bat|cmd|sql|csv|env|properties|lock|pem|crt|cer|key|pub|jks|p12|pfx|so|dll|exe|jar|war|ear|whl|zip|deb|rpm|png|jpe?g|gif|svg|ico|webp|woff2?|ttf|otf|wasm|service|timer|socket|rules|repo|list|gpg|asc|patch|diff|template|tmpl|tpl|j2|dist|example|sample)$/i;

/**
 * What a local source is in the build contexts (each named one, or the first guessed folder that has
 * it): a folder (its files are copied, never unpacked), a tar archive by its first bytes (gzip 1f 8b,
 * bzip2 `BZh`, xz fd `7zXZ` 00, zstd 28 b5 2f fd, or `ustar` at offset 257: the formats ADD unpacks,
 * recognised by content, not by name), another binary file (an old tar without the `ustar` mark is
 * binary too: it may be one), or a text file; undefined where it is not found, or for a glob.
 */
function sourceContent(ctx: DockerfileContext, source: string, contexts: () => Contexts): ('folder' | 'archive' | 'binary' | 'file' | undefined)[] {
  // Sources are relative to the context, a leading `/` too (`ADD /vendor.txt /srv/`: review 35, probe d15d).
  const rel = contextRelative(source); // `..` clamped at the context root, as BuildKit does (review 46a, item 2)
  if (rel === '' || rel === '.' || source.endsWith('/')) return ['folder'];
  if (/[*?[]/.test(rel)) return [undefined];
  const { dirs, every } = contexts();
  const out: ('folder' | 'archive' | 'binary' | 'file' | undefined)[] = [];
  for (const dir of dirs) {
    const found = contentAt(ctx, path.resolve(dir, rel));
    if (every) out.push(found);
    else if (found !== undefined) return [found];
  }
  return every ? out : [undefined];
}

/** How much of a source is read to tell what it is: a tar header, or enough of a gzip stream to decompress one. */
const HEAD_BYTES = 4096;

/** What is at a path (see sourceContent), or undefined when nothing is. */
function contentAt(ctx: DockerfileContext, p: string): 'folder' | 'archive' | 'binary' | 'file' | undefined {
  const ws = ctx.workspace;
  if (ws.listDir?.(p) !== undefined) return 'folder';
  const head = ws.readHead?.(p, HEAD_BYTES);
  if (head) {
    if (!isArchiveHead(head)) return head.includes(0) ? 'binary' : 'file';
    // A gzip stream is unpacked only when it holds a tar: a gzipped SQL dump is copied as it is (review 33, probe p30).
    return gzipHoldsNoTar(head, head.length < HEAD_BYTES) ? 'file' : 'archive';
  }
  // Without byte reads: a file read as text has no NUL byte, so it is no plain tar (a compressed one shows its magic
  // as the text's first characters, an undecodable byte as U+FFFD); one that exists but cannot be read may be one.
  const text = ws.readText(p);
  if (text !== undefined) return /^(?:\u001f\ufffd|\ufffd7zXZ|BZh[1-9]1AY&SY|\(\ufffd\/\ufffd)/.test(text) ? 'archive' : 'file';
  return ws.exists(p) ? 'binary' : undefined;
}

/**
 * Whether a gzip stream (its first bytes, `head`; all of it when `whole`) holds no tar, which ADD then
 * copies as it is (Docker unpacks only when a tar header reads from the decompressed stream). A tar
 * starts with a 512-byte header whose checksum field (bytes 148-155, octal) is the sum of its bytes
 * with that field read as spaces (POSIX ustar; old v7 tars too). Undecided — too little data, not
 * gzip — counts as a tar (review 33, probe p30; review 34, probes a15b, a15c: a short or binary
 * `.gz` of no tar).
 */
function gzipHoldsNoTar(head: Uint8Array, whole: boolean): boolean {
  if (head[0] !== 0x1f || head[1] !== 0x8b) return false;
  let out: Buffer;
  try {
    out = zlib.gunzipSync(head, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  } catch {
    return false;
  }
  if (out.length < 512) return whole;
  return !isTarHeader(out);
}

/**
 * Whether ADD may unpack a local source, so that COPY would change the image (review 13, probe df-03:
 * `ADD rootfs /opt/` with `rootfs` a gzip tar): found in the context, as its content says; not found,
 * unless its name is that of a file type that is not an archive.
 */
function mayBeArchive(ctx: DockerfileContext, source: string, contexts: () => Contexts): boolean {
  // A glob may match any file of the context, a tar among them whatever its name (review 35, probe d15d).
  if (/[*?[]/.test(source)) return true;
  const plainName = NOT_AN_ARCHIVE_NAME.test(source.replace(/\/+$/, '').split('/').pop() ?? '');
  if (contexts().unknown && !plainName) return true;
  return sourceContent(ctx, source, contexts).some((c) => c === 'archive' || c === 'binary' || (c === undefined && !plainName));
}

/**
 * Whether a RUN after `ins` in its stage checks a checksum or signature (`sha256sum -c`, `gpg --verify`: isVerification)
 * whose failure ends the RUN (failureEndsRun, the reading DF032's `-y` fix uses: not `… || true`, not before `&& x || true`), and names the downloaded file (its name in the URL, or the file ADD writes):
 * a check of another file does not check this one (review 31, probes 07 and 08).
 */
function verifiedByLaterRun(ctx: DockerfileContext, ins: Instruction, urls: string[], dest: string | undefined): boolean {
  const stage = ctx.stages.find((s) => s.instructions.includes(ins));
  if (!stage) return false;
  // The URL as resolved and as written (`boundary_${VERSION}_linux_amd64.zip`: the RUN names it the same way).
  const names = [...urls.map(urlFileName), dest && !dest.endsWith('/') ? path.posix.basename(dest) : undefined].filter((n): n is string => !!n && n.length > 2);
  if (names.length === 0) return false;
  const after = ctx.offsetAt(ins.getRange().end);
  // The name as a word or a path's last part (not `app` inside `/app/config.json`: review 32, probe 07).
  const named = (text: string) => names.some((n) => new RegExp(`(?:^|[\\s/'"=])${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=$|[\\s'";|&)>])`).test(text));
  return ctx.runs().some((r) => {
    if (r.stage !== stage || r.onbuild || ctx.offsetAt(r.instruction.getRange().start) < after) return false;
    return r.scripts.some((s) => {
      if (!named(s.source.text)) return false;
      // The file is named by the commands that lead to a check, since the previous one (`echo "<sum>  app.tar.gz" |
      // sha256sum -c -`; `grep app.zip SUMS > sum && sha256sum -c sum`), not only somewhere in the RUN (review 32, probe 07).
      let from = 0;
      return s.commands.some((c, k) => {
        const inv = invocation(c);
        if (inv === null || !isVerification(inv)) return false;
        const segment = s.commands.slice(from, k + 1);
        from = k + 1;
        const text = ctx.text.slice(segment[0].start, c.end);
        return named(text) && failureEndsRun(ctx, r, s, k);
      });
    });
  });
}

/** The file name at the end of a URL's path (`boundary_0.18.2_SHA256SUMS`), or undefined. */
function urlFileName(url: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/]+(\/[^?#]*)?/i.exec(url);
  const p = m?.[1];
  if (!p || p.endsWith('/')) return undefined;
  const base = p.slice(p.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(base);
  } catch {
    return base;
  }
}

export default defineRule<'dockerfile', Data>({
  code: 'DF015',
  name: 'add-instead-of-copy',
  kind: 'dockerfile',
  severity: 'warning',
  fixable: 'sometimes',
  docs: {
    summary: '`ADD` fetches a URL or Git repository without `--checksum`, or adds local files (or extracts a local archive).',
    what: 'Flags `ADD` (in every stage, and in ONBUILD triggers) that fetches a URL or Git repository without `--checksum`, or that adds local files or a heredoc, which `COPY` does without ADD\'s extra behaviour. A local tar archive (`.tar`, `.tar.gz`, `.tgz`…, or a file of the build context that is one by its content, whatever its name) is reported as information: ADD extracts it, which is fine when intended. A compressed file that holds no tar (`seed.sql.gz`, `GeoLite2-City.mmdb.gz`: named for what it holds, or found in the context with no tar header — a 512-byte block with a valid checksum — at the start of its gzip stream, whatever its name) is copied by ADD as it is, compressed, so it is judged as a plain file. A URL that a later RUN of the stage checks a checksum or signature of (`sha256sum -c`, `gpg --verify`, HashiCorp\'s release pattern; the commands that lead to the check name the downloaded file, and the check\'s failure ends the RUN, read as DF032 reads apt\'s abort: not before a `|`, not a condition nor negated, not under `|| true` nor `&& echo ok || true` — `|| exit 1` is fine, `|| return 1` is not (outside a function bash goes on after it) —, in a list that ends the script, or, under errexit, the last command of its list, not before `&&` (errexit: a `set -e` that surely ran before it, the options of the shell an exec-form RUN starts, or the stage\'s SHELL for the RUN lines it runs, `SHELL ["/bin/ash", "-eo", "pipefail", "-c"]`, and nothing before the check that may turn it off, as DF032 reads it: `set +e`, any `eval`, `source` or `.` of a file, `shopt -u -o errexit`, `builtin set +e` or `command set +e`, a `set` or command name given by an expansion, a trap that may run meanwhile, an alias definition, a call of a function of the script whose body may do any of these; bash\'s set and shopt builtins, Dockerfile reference SHELL)) is reported as information. A Git source pinned to a full commit in its fragment counts as verified; sources given through variables without a known value are not judged.',
    why: 'ADD does more than it says. With a URL it downloads content that can change (or be swapped by whoever controls the server or DNS) between two builds, with no integrity check unless `--checksum` pins it; a Git branch moves the same way. With a local archive it silently extracts — an archive with crafted paths or a file you meant to ship as-is changes the image in ways a reviewer does not see. SECURITY-GUIDELINES.md §6 "Use specific versions" and Dependency Security "Supply Chain Security": only verified, pinned inputs go into the image; COPY makes the intent of plain file copies explicit.',
    whySummary: 'ADD downloads a URL with no integrity check unless `--checksum` pins it, follows a Git branch that moves, and silently extracts a local archive, so what lands in the image can change between builds or differ from what a reviewer sees; COPY only copies.',
    bad: 'FROM debian:12-slim\nADD https://example.com/tool.tar.gz /opt/\nADD requirements.txt /app/',
    good: 'FROM debian:12-slim\nADD --checksum=sha256:<sha256 of the file> https://example.com/tool.tar.gz /opt/\nCOPY requirements.txt /app/',
    fix: '"Use COPY" replaces the ADD keyword (same case) for local files, directories and heredocs whose names do not look like tar archives, when the instruction has no ADD-only flag (`--checksum`, `--keep-git-dir`, `--unpack`); `--chown`, `--chmod`, `--link` and `--exclude` work the same with COPY. Docker recognises archives by content, not by name (a tar archive named without an archive extension would stop being extracted), so each file source is looked up in the folders the build context may be (the contexts of the compose services that build the Dockerfile, each of them, or, when none does, its own folder and the folders above it up to the repository root, the first that has it; none for an ONBUILD trigger, which runs in a child image\'s build with that build\'s context): one whose first bytes are a tar archive (gzip, bzip2, xz, zstd, `ustar` at offset 257, or a first 512-byte block that Go\'s archive/tar reads as a header, its checksum right — an old v7 tar has no `ustar`, and BuildKit unpacks any local file a tar header reads from: moby/buildkit, solver/llbsolver/file/unpack.go, isArchivePath) is reported as an archive, as information, with no fix. Safe when every source is known not to be an archive: a folder, a file found and read as text, or a file not found whose name is that of a file type that is not an archive (`.conf`, `.json`, `.sh`, `.py`, `.jar`…; not `.apk`, an Alpine package, which is a gzip tar); otherwise (another binary file, a name without such an extension that is not found, a glob) and when a source comes from an ARG default (the ARG could be set to a URL at build time) it is a single quick fix. No fix for URLs (compute the sha256 and add `--checksum=sha256:…`, or download with `RUN curl` and verify) or archives (keep ADD if extraction is intended).',
    guideline: '§6 Image Build Security — "Use specific versions"; Dependency Security — "Supply Chain Security"',
    equivalents: ['hadolint DL3020 (use COPY instead of ADD for files and folders)', 'Trivy DS-0005 (ADD instead of COPY)', 'Checkov CKV_DOCKER_4 (ensure that COPY is used instead of ADD)', 'KICS "Add Instead of Copy"'],
    references: [
      'https://docs.docker.com/reference/dockerfile/#add',
      'https://docs.docker.com/reference/dockerfile/#add---checksum',
      'https://docs.docker.com/build/building/best-practices/#add-or-copy',
      'https://docs.docker.com/reference/dockerfile/#shell',
      'https://www.gnu.org/software/bash/manual/html_node/The-Set-Builtin.html',
      'https://www.gnu.org/software/bash/manual/html_node/The-Shopt-Builtin.html',
      'https://github.com/hadolint/hadolint/wiki/DL3020',
    ],
  },
  check(ctx) {
    const out = [];
    // An ONBUILD trigger runs in a child image's build, with that build's context.
    for (const { ins, onbuild } of instructionsNamed(ctx, ['ADD'])) {
      const words = argWords(ctx, ins);
      const sources = words.slice(0, -1);
      if (sources.length === 0) continue;
      const line = ins.getRange().start.line;
      const flags = flagsOf(ins);
      const flag = (name: string) => flags.find((f) => f.getName().toLowerCase() === name);
      const hasChecksum = !!flag('checksum');
      const unpack = flag('unpack')?.getValue()?.toLowerCase();
      let viaArg = false;
      const kinds: { kind: AddSourceKind; value: string; raw?: string }[] = [];
      for (const w of sources) {
        const raw = unquote(w.value);
        let value = raw;
        if (!w.heredoc && raw.includes('$')) {
          const resolved = resolveAt(ctx, raw, line);
          if (resolved === null) {
            kinds.push({ kind: 'unknown', value: raw });
            continue;
          }
          value = resolved;
          viaArg = true;
        }
        kinds.push({ kind: addSourceKind(value), value, raw });
      }
      const remote = kinds.find((k) => (k.kind === 'url' && !hasChecksum) || (k.kind === 'git' && !hasChecksum && !gitPinnedByCommit(k.value)));
      const keywordRange = ins.getInstructionRange();
      if (remote) {
        // HashiCorp's pattern: ADD the archive, its SHA256SUMS and their signature, then `gpg --verify` and `sha256sum -c`
        // in the next RUN (review 29, probe df-02): checked, though not by ADD itself.
        const dest = words.length > 1 ? unquote(words[words.length - 1].value) : undefined;
        const verifiedLater = remote.kind === 'url' && verifiedByLaterRun(ctx, ins, [remote.value, remote.raw ?? remote.value], dest);
        out.push({ range: keywordRange, ...(verifiedLater ? { severity: 'info' as const } : {}), data: { problem: 'remote' as const, remote: remote.kind === 'git' ? ('git' as const) : ('url' as const), ...remoteParts(remote.value), ...(verifiedLater ? { verifiedLater } : {}) } });
        continue;
      }
      if (kinds.some((k) => k.kind === 'unknown' || k.kind === 'url' || k.kind === 'git')) continue;
      let contexts: Contexts | undefined;
      const candidates = () => (contexts ??= onbuild ? CHILD_CONTEXT : contextCandidates(ctx));
      // Named like an archive, unless the build context has it and its content is no tar (`data.gz` of text: review 34).
      const archive = kinds.find((k) => k.kind === 'archive' && !sourceContent(ctx, k.value, candidates).every((c) => c === 'file'));
      if (archive && unpack !== 'false') {
        out.push({ range: keywordRange, severity: 'info' as const, data: { problem: 'archive' as const, source: displaySource(archive.value), glob: !looksLikeArchive(archive.value) } });
        continue;
      }
      // A file named like a plain file that is a tar archive by content: ADD unpacks it too.
      const byContent = unpack === 'false' ? undefined : kinds.find((k) => k.kind === 'local' && sourceContent(ctx, k.value, candidates).includes('archive'));
      if (byContent) {
        out.push({ range: keywordRange, severity: 'info' as const, data: { problem: 'archive' as const, source: displaySource(byContent.value), glob: false } });
        continue;
      }
      const fixable = !ADD_ONLY_FLAGS.some((f) => flag(f));
      const keyword = ctx.text.slice(ctx.offsetAt(keywordRange.start), ctx.offsetAt(keywordRange.end));
      // Safe only when no source may be an archive that COPY would stop unpacking (an explicit --unpack=false unpacks nothing).
      const mayUnpack = unpack !== 'false' && kinds.some((k) => k.kind === 'local' && mayBeArchive(ctx, k.value, candidates));
      out.push({ range: keywordRange, data: { problem: 'local' as const, keywordRange: fixable ? keywordRange : null, keyword, safe: !viaArg && !mayUnpack } });
    }
    return out;
  },
  message(d) {
    if (d.problem === 'remote') {
      const from = d.host ? ` from ${d.host}` : '';
      const source = d.remote === 'git' ? `${d.file ? `the repository ${d.file}` : 'a repository'}${from}` : `${d.file ?? 'a file'}${from}`;
      return d.remote === 'git'
        ? `ADD clones ${source} without --checksum: the branch or tag can move. Pin the commit with --checksum=<commit sha>.`
        : d.verifiedLater
          ? `ADD downloads ${source} without --checksum; a later RUN checks a checksum or signature, which fails the build on a changed download if it covers this file. --checksum=sha256:<digest> would let ADD check it itself.`
          : `ADD downloads ${source} without --checksum, so its content is never verified. Add --checksum=sha256:<digest>.`;
    }
    if (d.problem === 'archive' && d.glob) return `ADD would extract any tar archive that ${d.source} matches; if it matches only plain files, use COPY, which adds them as they are.`;
    if (d.problem === 'archive') return `ADD extracts the local archive ${d.source} into the image; keep ADD only if extraction is intended (use COPY to add the file as-is).`;
    return 'ADD of local files: use COPY, which copies without ADD\'s URL fetching and archive extraction.';
  },
  fix(ctx, { data }) {
    if (data.problem !== 'local' || !data.keywordRange) return undefined;
    return { title: 'Use COPY', safe: data.safe, changes: [{ kind: 'edit', path: ctx.path, edits: [{ range: data.keywordRange, newText: keywordCase(data.keyword, 'COPY') }] }] };
  },
});
