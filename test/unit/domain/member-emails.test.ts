// The member email templates: what a member reads, escaped in HTML, with plain-text lines short
// enough to travel without soft line breaks, and nothing but what the notification carries.
import { describe, expect, it } from 'vitest';
import { digestEmail, notificationEmail } from '../../../src/domain/member-emails.js';

const links = { publicUrl: 'https://requests.wedsync.test', unsubscribeUrl: 'https://requests.wedsync.test/unsubscribe?token=t' };
const statusChange = {
  kind: 'status_changed',
  requestId: '00000000-0000-4000-8000-000000000001',
  requestTitle: 'Table plan <img src=x onerror=alert(1)>\nBcc: someone@example.test',
  details: {
    from: 'open',
    to: 'under_review',
    justification: 'Venues ask for this every season, and the caterers have been asking since the spring fairs began',
  },
};

describe('member emails', () => {
  it('names the request and the justification, escapes the HTML part, and keeps the subject on one line', () => {
    const email = notificationEmail('Amelia & Jonah', statusChange, links);
    expect(email.subject).toBe('"Table plan <img src=x onerror=alert(1)> Bcc: someone@example.test" is now under review');
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.text).toContain('  Table plan <img src=x onerror=alert(1)> Bcc: someone@example.test');
    expect(email.text).toContain('Why: Venues ask for this every season');
    expect(email.html).not.toContain('<img');
    expect(email.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(email.html).toContain('Amelia &amp; Jonah');
    expect(email.html).toContain('href="https://requests.wedsync.test/unsubscribe?token=t"');
  });

  it('wraps prose at 76 characters between words, keeping URLs whole', () => {
    const { text } = notificationEmail('Amelia', statusChange, links);
    const long = text.split('\n').filter((l) => l.length > 76);
    expect(long.every((l) => /^https?:\/\/\S+$/.test(l) || l.startsWith('  Table plan'))).toBe(true);
    expect(text).toContain('\nhttps://requests.wedsync.test/requests/00000000-0000-4000-8000-000000000001');
  });

  it('says a reply happened without its content, and gathers several updates in a digest', () => {
    const reply = { kind: 'comment_posted', requestId: statusChange.requestId, requestTitle: 'Table plan', details: {} };
    expect(notificationEmail('Amelia', reply, links).subject).toBe('New reply on "Table plan"');
    const digest = digestEmail('Amelia', 'weekly', [statusChange, reply], links);
    expect(digest.subject).toBe('Your weekly WedSync digest: 2 updates on requests you follow');
    expect(digest.text).toContain('from open to under review');
    expect(digest.text).toContain('Someone replied in a discussion');
  });
});
