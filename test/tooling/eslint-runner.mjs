// Lints a batch of snippets with the repo's real ESLint config through the ESLint Node API and prints the messages
// as JSON. Run as a child process by eslint-espruino.test.ts: ESLint loads eslint.config.mjs with a dynamic import(),
// which jest's module sandbox does not allow without --experimental-vm-modules.
//   stdin:  [{ "code": "...", "filePath": "device/src/meter/example.ts" }, ...]   (or { "files": ["a.ts", ...] })
//   stdout: [{ "filePath": "...", "messages": [{ "ruleId", "message", "line", "column", "severity" }] }, ...]
import { ESLint } from 'eslint';
import { dirname, join, relative } from 'path';
import { fileURLToPath } from 'url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function readStdin() {
  return new Promise((resolve, reject) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk) => (text += chunk));
    process.stdin.on('end', () => resolve(text));
    process.stdin.on('error', reject);
  });
}

function simplify(result) {
  return {
    filePath: relative(repoRoot, result.filePath),
    messages: result.messages.map((m) => ({
      ruleId: m.ruleId,
      message: m.message,
      line: m.line,
      column: m.column,
      severity: m.severity,
    })),
  };
}

const request = JSON.parse(await readStdin());
const eslint = new ESLint({ cwd: repoRoot });
const out = [];
if (Array.isArray(request)) {
  for (const item of request) {
    const results = await eslint.lintText(item.code, { filePath: item.filePath });
    out.push(simplify(results[0]));
  }
} else {
  for (const result of await eslint.lintFiles(request.files)) out.push(simplify(result));
}
process.stdout.write(JSON.stringify(out));
