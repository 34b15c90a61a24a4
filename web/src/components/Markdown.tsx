// Text written in Markdown by members or the product team, shown as the one safe renderer makes it
// (src/domain/markdown.ts: raw HTML escaped, only safe links, no images). Pages that show Markdown
// load this lazily with their own chunk, so the board's first load does not carry the parser.
import { renderMarkdown } from '../../../src/domain/markdown.js';

export function Markdown({ text, className }: { text: string; className?: string }) {
  // The HTML comes from renderMarkdown, which never passes markup through: safe to insert.
  return <div className={className ? `markdown ${className}` : 'markdown'} dangerouslySetInnerHTML={{ __html: renderMarkdown(text) }} />;
}
