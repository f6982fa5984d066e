// Shrinks the firmware by renaming class members (the 80 KB budget; on Espruino every identifier character also costs
// RAM: espruino.md §3). esbuild's mangleProps renames a property everywhere it appears, so a name is only taken when
// that is safe: it is a member of one of our classes, and it never appears as a property of a data shape (interface,
// type literal, object literal: settings, JSON payloads, HAL objects, options passed to Espruino natives, the
// built-ins of the lib .d.ts files) nor as a string literal (quoted access). The rest keep their names.
import * as ts from 'typescript';
import { join } from 'path';

export function safeMemberNames(repoRoot: string): string[] {
  const config = ts.readConfigFile(join(repoRoot, 'tsconfig.device.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, repoRoot);
  const program = ts.createProgram(parsed.fileNames, parsed.options);
  const candidates = new Set<string>();
  const unsafe = new Set<string>();
  const members = new Set<ts.Node>();
  const visit = (node: ts.Node): void => {
    if (ts.isClassLike(node)) {
      for (const m of node.members) {
        if (m.name && ts.isIdentifier(m.name) && !ts.isConstructorDeclaration(m)) {
          candidates.add(m.name.text);
          members.add(m);
        }
      }
    } else if (!members.has(node) && (ts.isPropertySignature(node) || ts.isMethodSignature(node) || ts.isPropertyAssignment(node) || ts.isShorthandPropertyAssignment(node) || ts.isMethodDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node))) {
      const name = (node as ts.PropertySignature).name;
      if (name && (ts.isIdentifier(name) || ts.isStringLiteral(name))) unsafe.add(name.text);
    } else if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      unsafe.add(node.text);
    }
    ts.forEachChild(node, visit);
  };
  for (const file of program.getSourceFiles()) {
    if (file.isDeclarationFile) {
      ts.forEachChild(file, function declared(node: ts.Node): void {
        if ((ts.isPropertySignature(node) || ts.isMethodSignature(node)) && node.name && ts.isIdentifier(node.name)) unsafe.add(node.name.text);
        ts.forEachChild(node, declared);
      });
      continue;
    }
    visit(file);
  }
  return [...candidates].filter((n) => !unsafe.has(n) && n.length > 2).sort();
}
