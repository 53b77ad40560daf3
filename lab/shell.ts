/**
 * Quotes one word for a POSIX shell: bare when it holds only characters no shell treats
 * specially, else in single quotes. Lesson commands stay readable (`label=a`, not `label\=a`).
 */
export function shellQuote(word: string): string {
    if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
    return `'${word.replace(/'/g, `'\\''`)}'`;
}
