// Lists functions and methods in src/ longer than a limit (default 60 lines) whose JSDoc gives no
// reason ("Long on purpose"): `node scripts/long-functions.mjs [limit] [--all]`. Exits 1 when any is found.
import ts from 'typescript';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const limit = Number(process.argv.find((a, i) => i > 1 && /^\d+$/.test(a)) ?? 60);
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (path.endsWith('.ts')) files.push(path);
  }
};
walk('src');
let found = 0;
for (const file of files) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
      const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      // A function whose JSDoc says why it is long ("Long on purpose") is listed only with --all.
      const doc = ts
        .getJSDocCommentsAndTags(node)
        .map((d) => d.getText())
        .join('\n');
      if (end - start + 1 > limit && (process.argv.includes('--all') || !/Long on purpose/.test(doc))) {
        const name = node.name?.getText() ?? '(anonymous)';
        console.log(`${file}:${start + 1} ${name} ${end - start + 1} lines`);
        found += 1;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}
process.exitCode = found > 0 ? 1 : 0;
