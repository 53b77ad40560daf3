import * as ts from "typescript";

/**
 * The shape rules of the sources, as pure functions over a file's text: how long its functions are
 * (a function that only names things and returns one literal is data, not logic), and where a mode's
 * name appears outside that mode's own files.
 */

/** Most lines a source file may have. */
export const MAX_FILE_LINES = 350;
/** Most lines a function may have, unless it is a data literal. */
export const MAX_FUNCTION_LINES = 80;

export interface FunctionSpan {
    /** The function's name, or where it is when it has none. */
    name: string;
    /** First line, 1-based. */
    line: number;
    lines: number;
    /** Its body only declares names and returns one array or object literal. */
    dataLiteral: boolean;
}

function nameOf(node: ts.Node, sf: ts.SourceFile): string {
    const named = node as ts.Node & { name?: ts.Node };
    if (named.name) return named.name.getText(sf);
    if (ts.isConstructorDeclaration(node)) return "constructor";
    const parent = node.parent as ts.Node & { name?: ts.Node };
    return parent?.name ? parent.name.getText(sf) : "<anonymous>";
}

/** A body of declarations and one `return [...]` or `return {...}` at its end. */
function isDataLiteral(node: ts.FunctionLikeDeclaration): boolean {
    const body = node.body;
    if (!body) return false;
    if (!ts.isBlock(body)) return ts.isArrayLiteralExpression(body) || ts.isObjectLiteralExpression(body);
    const statements = [...body.statements];
    const last = statements.pop();
    if (!last || !ts.isReturnStatement(last) || !last.expression) return false;
    const returned = last.expression;
    return statements.every(ts.isVariableStatement) && (ts.isArrayLiteralExpression(returned) || ts.isObjectLiteralExpression(returned));
}

/** Every function, method, arrow function and constructor of a file, with its length. */
export function functionSpans(file: string, source: string): FunctionSpan[] {
    const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
    const spans: FunctionSpan[] = [];
    const visit = (node: ts.Node) => {
        if (ts.isFunctionLike(node) && "body" in node && (node as ts.FunctionLikeDeclaration).body) {
            const fn = node as ts.FunctionLikeDeclaration;
            const first = sf.getLineAndCharacterOfPosition(fn.getStart(sf)).line;
            const last = sf.getLineAndCharacterOfPosition(fn.getEnd()).line;
            spans.push({ name: nameOf(fn, sf), line: first + 1, lines: last - first + 1, dataLiteral: isDataLiteral(fn) });
        }
        ts.forEachChild(node, visit);
    };
    visit(sf);
    return spans;
}

/** Functions over MAX_FUNCTION_LINES that are not data literals, as "file:line name (N lines)". */
export function longFunctions(file: string, source: string): string[] {
    return functionSpans(file, source)
        .filter((f) => f.lines > MAX_FUNCTION_LINES && !f.dataLiteral)
        .map((f) => `${file}:${f.line} ${f.name} (${f.lines} lines)`);
}

/**
 * Where `word` appears in a file that is not the mode's own, other than where the mode is plugged in:
 * an import or export from one of the mode's own modules (its path holds the word), or a registry
 * entry `word: identifier`. Returns "file:line text" for each other place (comments and strings too).
 */
export function modeMentions(file: string, source: string, word: string): string[] {
    const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
    const allowed: [number, number][] = [];
    const visit = (node: ts.Node) => {
        const specifier =
            (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
            node.moduleSpecifier &&
            ts.isStringLiteral(node.moduleSpecifier)
                ? node.moduleSpecifier.text
                : undefined;
        if (specifier?.toLowerCase().includes(word)) allowed.push([node.getStart(sf), node.getEnd()]);
        if (ts.isPropertyAssignment(node) && node.name.getText(sf) === word && ts.isIdentifier(node.initializer)) {
            allowed.push([node.getStart(sf), node.getEnd()]);
        }
        ts.forEachChild(node, visit);
    };
    visit(sf);
    const found: string[] = [];
    const pattern = new RegExp(word, "gi");
    for (const m of source.matchAll(pattern)) {
        const at = m.index ?? 0;
        if (allowed.some(([start, end]) => at >= start && at < end)) continue;
        const { line } = sf.getLineAndCharacterOfPosition(at);
        found.push(`${file}:${line + 1} ${source.split("\n")[line].trim()}`);
    }
    return [...new Set(found)];
}
