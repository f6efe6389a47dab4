/**
 * Removes the indentation Gherkin keeps on every description line, so the Markdown renderers (the living
 * document, Allure) read it as prose rather than as a code block.
 */
export function dedent(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)?.[0].length ?? 0);
  const cut = indents.length > 0 ? Math.min(...indents) : 0;
  return lines
    .map((l) => l.slice(cut).trimEnd())
    .join('\n')
    .trim();
}
