// Shrinks the firmware by renaming properties (the 80 KB budget; on Espruino every identifier character also costs
// RAM: espruino.md §3). esbuild's mangleProps renames a property everywhere it appears, so a name is only taken when
// that is safe. Candidates: members of our classes, and properties of interfaces marked `@mangle` in their JSDoc
// (shapes that live only inside the firmware: session options, counters, jobs, readings). A candidate is dropped
// when the same name appears anywhere else as a property of a data shape (an unmarked interface or type literal,
// an object literal not typed by a @mangle interface: settings, JSON payloads, HAL objects, options passed to
// Espruino natives, the built-ins of the lib .d.ts files) or as a string literal (quoted access).
import * as ts from 'typescript';
import { join } from 'path';

function isMangleShape(node: ts.Node): boolean {
  return (ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) && ts.getJSDocTags(node).some((t) => t.tagName.text === 'mangle');
}

export function safeMemberNames(repoRoot: string): string[] {
  const config = ts.readConfigFile(join(repoRoot, 'tsconfig.device.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, repoRoot);
  const program = ts.createProgram(parsed.fileNames, parsed.options);
  const checker = program.getTypeChecker();
  const candidates = new Set<string>();
  const unsafe = new Set<string>();
  const members = new Set<ts.Node>();
  const claim = (list: ts.NodeArray<ts.Node>) => {
    for (const m of list) {
      const name = (m as ts.PropertySignature).name;
      if (name && ts.isIdentifier(name) && !ts.isConstructorDeclaration(m)) {
        candidates.add(name.text);
        members.add(m);
      }
    }
  };
  /** An object literal property whose contextual type is declared only in @mangle shapes. */
  const typedByMangleShape = (node: ts.ObjectLiteralElementLike): boolean => {
    const type = checker.getContextualType(node.parent as ts.ObjectLiteralExpression);
    const name = node.name && ts.isIdentifier(node.name) ? node.name.text : null;
    const symbol = type && name ? type.getProperty(name) : undefined;
    const decls = symbol ? symbol.declarations || [] : [];
    return decls.length > 0 && decls.every((d) => isMangleShape(d.parent) || (ts.isTypeLiteralNode(d.parent) && isMangleShape(d.parent.parent)));
  };
  const visit = (node: ts.Node): void => {
    if (ts.isClassLike(node)) claim(node.members);
    else if (ts.isInterfaceDeclaration(node) && isMangleShape(node)) claim(node.members);
    else if (ts.isTypeAliasDeclaration(node) && isMangleShape(node) && ts.isTypeLiteralNode(node.type)) claim(node.type.members);
    else if ((ts.isPropertyAssignment(node) || ts.isShorthandPropertyAssignment(node) || (ts.isMethodDeclaration(node) && ts.isObjectLiteralExpression(node.parent))) && typedByMangleShape(node)) {
      // e.g. `this.stats = { requests: 0, … }` typed SessionStats: renamed together with the interface
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
