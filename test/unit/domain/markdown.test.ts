import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../src/domain/markdown.js';

describe('renderMarkdown', () => {
  it('renders the Markdown people write: emphasis, lists, links, code', () => {
    const html = renderMarkdown('We need **seating charts**:\n\n- by table\n- by meal\n\nSee [the guide](https://example.com/guide) or `export.csv`.');
    expect(html).toContain('<strong>seating charts</strong>');
    expect(html).toContain('<li>by table</li>');
    expect(html).toContain('<a href="https://example.com/guide" rel="nofollow ugc noopener noreferrer">the guide</a>');
    expect(html).toContain('<code>export.csv</code>');
  });

  it('shows raw HTML as text, never as markup', () => {
    const html = renderMarkdown('<script>alert(1)</script> <img src=x onerror=alert(1)> <a href="javascript:alert(1)">x</a>');
    expect(html).not.toMatch(/<script|<img|<a /i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('refuses links that run code or read local data, however they are written', () => {
    for (const target of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      ' javascript:alert(1)',
      'vbscript:msgbox(1)',
      'data:text/html;base64,PHNjcmlwdD4=',
      'file:///etc/passwd',
    ]) {
      const html = renderMarkdown(`[click](${target})`);
      expect(html, target).not.toContain('<a ');
    }
  });

  it('keeps links on this site and mail links', () => {
    expect(renderMarkdown('[roadmap](/roadmap)')).toContain('<a href="/roadmap"');
    expect(renderMarkdown('[write](mailto:team@example.com)')).toContain('<a href="mailto:team@example.com"');
  });

  it('shows images as text, so no remote image tells its host who read the page', () => {
    const html = renderMarkdown('![pixel](https://tracker.example/p.gif)');
    expect(html).not.toContain('<img');
  });

  it('starts headings at level 3, below the page title and its sections', () => {
    const html = renderMarkdown('# Big\n\n## Smaller\n\n###### Smallest');
    expect(html).toContain('<h3>Big</h3>');
    expect(html).toContain('<h4>Smaller</h4>');
    expect(html).toContain('<h6>Smallest</h6>');
  });
});
