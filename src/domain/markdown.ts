// Safe Markdown for what members and the product team write: request descriptions, comments and
// changelog entries. One renderer for the server (Atom feed, emails) and the web app, so a text
// looks the same everywhere and there is one place to review for cross-site scripting.
// - Raw HTML is off: every tag a writer types is shown as text, never parsed.
// - Links: only http(s), mailto and links without a scheme (this site); they carry rel="nofollow ugc noopener
//   noreferrer" because the writer, not us, chose the target.
// - Images are off: a remote image would tell its host who read the page, and when.
// - Headings start at level 3, below the page's own title and sections, so a writer's "# Title"
//   cannot break the page's heading outline for screen readers.
import markdownIt, { type MarkdownIt } from 'markdown-it';

const ALLOWED_SCHEME = /^(https?|mailto):/i;
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const FIRST_HEADING_LEVEL = 3;

function createRenderer(): MarkdownIt {
  const md = markdownIt({ html: false, linkify: true, typographer: false });
  md.disable(['image']);
  md.validateLink = (url) => {
    const trimmed = url.trim();
    return ALLOWED_SCHEME.test(trimmed) || !HAS_SCHEME.test(trimmed);
  };
  md.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
    tokens[idx]?.attrSet('rel', 'nofollow ugc noopener noreferrer');
    return self.renderToken(tokens, idx, options);
  };
  md.core.ruler.push('shift_headings', (state) => {
    for (const token of state.tokens) {
      if (token.type === 'heading_open' || token.type === 'heading_close') {
        const level = Number(token.tag.slice(1));
        token.tag = `h${String(Math.min(6, level + FIRST_HEADING_LEVEL - 1))}`;
      }
    }
  });
  return md;
}

// Stateless after construction: one configured parser shared by every call.
const renderer = createRenderer();

/** The HTML for a text written in Markdown; safe to insert into a page or a feed as it is. */
export function renderMarkdown(text: string): string {
  return renderer.render(text);
}
