// The emails members get about requests they care about: one notification, or a digest of several.
// Pure: the job fills in what the recipient may see (their own name, request titles, the product
// team's public justification) and the links; everything is escaped in the HTML part.
import escapeHtml from 'escape-html';

export interface NotificationForEmail {
  kind: string;
  requestId: string | null;
  requestTitle: string | null;
  details: Record<string, unknown>;
}

export interface EmailLinks {
  /** The web app's origin, without a trailing slash. */
  publicUrl: string;
  /** One-click unsubscribe (RFC 8058): POST stops member emails, GET shows a confirmation page. */
  unsubscribeUrl: string;
}

export interface MemberEmail {
  subject: string;
  text: string;
  html: string;
}

const STATUS_WORDS: Record<string, string> = {
  open: 'open',
  under_review: 'under review',
  planned: 'planned',
  in_progress: 'in progress',
  shipped: 'shipped',
  declined: 'declined',
  merged: 'merged',
};
const statusWord = (s: unknown) => (typeof s === 'string' ? (STATUS_WORDS[s] ?? s.replaceAll('_', ' ')) : 'changed');
const str = (v: unknown) => (typeof v === 'string' ? v : '');
/** Subject lines are one line: a title with a line break must not add a header. */
const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * Plain-text lines of at most 76 characters, broken between words: such a part travels as it is
 * (7bit, or quoted-printable only for its non-ASCII characters) instead of with soft line breaks.
 */
function wrap(line: string, width = 76): string[] {
  const out: string[] = [];
  let current = '';
  for (const word of line.split(' ')) {
    if (current && current.length + 1 + word.length > width) {
      out.push(current);
      current = word;
    } else current = current ? `${current} ${word}` : word;
  }
  return [...out, current];
}

interface Paragraphs {
  /** The subject of a single email, the heading in HTML. */
  headline: string;
  /** What happened, before the title. */
  intro: string;
  title: string;
  lines: string[];
  requestUrl: string | null;
}

function describe(n: NotificationForEmail, publicUrl: string): Paragraphs {
  const title = oneLine(n.requestTitle ?? 'a request');
  const requestUrl = n.requestId ? `${publicUrl}/requests/${encodeURIComponent(n.requestId)}` : null;
  const why = str(n.details.justification);
  const because = why ? [`Why: ${why}`] : [];
  switch (n.kind) {
    case 'status_changed':
      return {
        headline: `"${title}" is now ${statusWord(n.details.to)}`,
        intro: `The product team moved this request from ${statusWord(n.details.from)} to ${statusWord(n.details.to)}:`,
        title,
        lines: because,
        requestUrl,
      };
    case 'request_merged': {
      const duplicate = oneLine(str(n.details.duplicateTitle) || 'A request');
      return {
        headline: `"${duplicate}" was merged into "${title}"`,
        intro: `"${duplicate}" was merged into this request, and your vote now counts for it:`,
        title,
        lines: because,
        requestUrl,
      };
    }
    case 'comment_posted':
      return {
        headline: `New reply on "${title}"`,
        intro: 'Someone replied in a discussion you take part in or follow:',
        title,
        lines: ['Sign in to read it.'],
        requestUrl,
      };
    case 'supplier_verification': {
      const approved = n.details.decision === 'approved';
      return {
        headline: approved ? 'Your supplier account is verified' : 'Your supplier account was not verified',
        intro: approved
          ? 'The WedSync product team verified your business: you can now submit requests, and your votes count as a verified supplier’s.'
          : 'The WedSync product team could not verify your business yet.',
        title: 'Supplier verification',
        lines: str(n.details.reason) ? [`Why: ${str(n.details.reason)}`] : [],
        requestUrl: null,
      };
    }
    default:
      return { headline: `Update on "${title}"`, intro: 'There is an update on this request:', title, lines: [], requestUrl };
  }
}

/** The text of one notification: the title on a line of its own, URLs too, everything else wrapped. */
function textOf(p: Paragraphs): string[] {
  return [...wrap(p.intro), '', `  ${p.title}`, '', ...p.lines.flatMap((l) => wrap(l)), ...(p.requestUrl ? ['', 'See the request:', p.requestUrl] : [])];
}

function footerText(links: EmailLinks) {
  return [
    ...wrap('You get this because you asked for, voted for or follow this request and agreed to hear about it (feature feedback).'),
    'Choose how you hear from us:',
    `${links.publicUrl}/notifications`,
    'Stop these emails:',
    links.unsubscribeUrl,
  ];
}

function footerHtml(links: EmailLinks) {
  return `<p style="color:#555;font-size:12px">You get this because you asked for, voted for or follow this request and agreed to hear about it (feature feedback).<br>
<a href="${escapeHtml(`${links.publicUrl}/notifications`)}">Choose how you hear from us</a> · <a href="${escapeHtml(links.unsubscribeUrl)}">Stop these emails</a></p>`;
}

const htmlDocument = (subject: string, body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body style="font-family:sans-serif;line-height:1.5">${body}</body></html>`;

function paragraphHtml(p: Paragraphs) {
  const link = p.requestUrl ? `\n<p><a href="${escapeHtml(p.requestUrl)}">See the request</a></p>` : '';
  return `\n<p>${escapeHtml(p.intro)}</p>\n<h2 style="font-size:18px">${escapeHtml(p.title)}</h2>\n${p.lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('\n')}${link}`;
}

/** One notification as its own email. */
export function notificationEmail(recipientName: string, n: NotificationForEmail, links: EmailLinks): MemberEmail {
  const p = describe(n, links.publicUrl);
  const subject = p.headline;
  const text = [`Hello ${recipientName},`, '', ...textOf(p), '', '--', ...footerText(links)].join('\n');
  const html = htmlDocument(subject, `<p>Hello ${escapeHtml(recipientName)},</p>${paragraphHtml(p)}\n<hr>\n${footerHtml(links)}`);
  return { subject, text, html };
}

/** Several notifications in one email (a member's daily or weekly digest). */
export function digestEmail(recipientName: string, period: 'daily' | 'weekly', items: readonly NotificationForEmail[], links: EmailLinks): MemberEmail {
  const parts = items.map((n) => describe(n, links.publicUrl));
  const subject = `Your ${period} WedSync digest: ${items.length} update${items.length === 1 ? '' : 's'} on requests you follow`;
  const text = [`Hello ${recipientName},`, '', ...parts.flatMap((p) => [...textOf(p), '', '* * *', '']), '--', ...footerText(links)].join('\n');
  const html = htmlDocument(subject, `<p>Hello ${escapeHtml(recipientName)},</p>${parts.map(paragraphHtml).join('\n<hr>')}\n<hr>\n${footerHtml(links)}`);
  return { subject, text, html };
}
