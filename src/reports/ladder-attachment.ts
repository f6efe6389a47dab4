/**
 * How a scenario's ladder page reaches each report. Allure renders text/html, so the page goes to Allure as an
 * Allure runtime attachment (rendered there, and an opaque message to other formatters). Cucumber's HTML
 * report shows any text/* attachment as source text, so it gets a link (text/uri-list) to the page written
 * next to the capture instead. The living document reads the page from the Allure message (ladderFromMessage).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const ALLURE_MESSAGE_MEDIA_TYPE = 'application/vnd.allure.message+json';
export const LADDER_FILE_NAME = 'ladder.html';

export interface LadderAttachment {
  readonly body: string;
  readonly mediaType: string;
  readonly fileName?: string;
}

/** The Allure runtime message that attaches the page as text/html (what allure.attachment() would send). */
export function allureLadderMessage(html: string): string {
  return JSON.stringify({
    type: 'attachment_content',
    data: { name: LADDER_FILE_NAME, content: Buffer.from(html, 'utf8').toString('base64'), encoding: 'base64', contentType: 'text/html', fileExtension: '.html', wrapInStep: true },
  });
}

/** The ladder page, when an Allure runtime message carries one. */
export function ladderFromMessage(body: string): string | undefined {
  try {
    const message = JSON.parse(body) as { type?: string; data?: { name?: string; content?: string; encoding?: string; contentType?: string } };
    if (message.type !== 'attachment_content' || message.data?.name !== LADDER_FILE_NAME || message.data.contentType !== 'text/html' || !message.data.content) return undefined;
    return Buffer.from(message.data.content, message.data.encoding === 'base64' ? 'base64' : 'utf8').toString('utf8');
  } catch {
    return undefined;
  }
}

/**
 * The attachments for one ladder page: the Allure message, and when the capture was written to `pcapPath`,
 * the page written beside it (`<name>.ladder.html`) with a link relative to `reportsDir` (where cucumber.html
 * is). Without a capture file the page still goes to Allure and the living document.
 */
export function ladderAttachments(html: string, pcapPath: string | undefined, reportsDir: string): LadderAttachment[] {
  const out: LadderAttachment[] = [{ body: allureLadderMessage(html), mediaType: ALLURE_MESSAGE_MEDIA_TYPE }];
  if (pcapPath) {
    const file = pcapPath.replace(/\.pcap$/, '') + '.ladder.html';
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, html);
    out.push({ body: path.relative(reportsDir, file).split(path.sep).join('/'), mediaType: 'text/uri-list', fileName: 'ladder page' });
  }
  return out;
}
