// The public status page as plain HTML: no scripts, one small stylesheet, readable on a phone at a
// venue with one bar of signal, and it works while the web app or the database does not.
import type { PublicIncident, PublicStatus } from '../../../ops/public-status.js';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const LABELS = { operational: 'All systems operational', degraded: 'Some services are degraded', down: 'Service disruption' } as const;
const when = (at: Date) => `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function incidentItem(incident: PublicIncident): string {
  const resolved = incident.resolvedAt ? ` · resolved ${when(incident.resolvedAt)}` : '';
  return `<li class="incident ${escape(incident.severity)}"><strong>${escape(incident.summary)}</strong><br><small>${escape(incident.status)} · since ${when(incident.openedAt)}${resolved}</small></li>`;
}

export function renderStatusPage(status: PublicStatus): string {
  const components = status.components.map((c) => `<li><span>${escape(c.name)}</span><span class="badge ${c.status}">${c.status}</span></li>`).join('');
  const open = status.openIncidents.length ? `<ul>${status.openIncidents.map(incidentItem).join('')}</ul>` : '<p>No open incidents.</p>';
  const recent = status.recentIncidents.length ? `<ul>${status.recentIncidents.map(incidentItem).join('')}</ul>` : '<p>No incidents recently.</p>';
  const stale =
    status.stale && status.incidentsAsOf
      ? `<p class="note">Incident details as of ${when(status.incidentsAsOf)}: live details are temporarily unavailable.</p>`
      : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="30">
<title>WedSync Feature Requests — status</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/status.css">
</head>
<body>
<main>
<h1>WedSync Feature Requests status</h1>
<p class="overall ${status.status}" role="status">${LABELS[status.status]}</p>
${status.message ? `<p class="message">${escape(status.message)}</p>` : ''}
<h2>Components</h2>
<ul class="components">${components}</ul>
<h2>Open incidents</h2>
${stale}${open}
<h2>Recent incidents</h2>
${recent}
<p class="note">Checked ${when(status.checkedAt)}. This page refreshes every 30 seconds.</p>
</main>
</body>
</html>`;
}

export const STATUS_CSS = `body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1f2328;background:#fff}
main{max-width:40rem;margin:0 auto;padding:1rem}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.5rem}
ul{list-style:none;padding:0}li{padding:.5rem 0;border-bottom:1px solid #d0d7de}
.components li{display:flex;justify-content:space-between;align-items:center;gap:1rem}
.overall,.message{padding:.75rem 1rem;border-radius:.5rem;font-weight:600}
.operational{background:#dafbe1;color:#116329}.degraded{background:#fff8c5;color:#7d4e00}.down{background:#ffebe9;color:#a40e26}
.badge{flex:none;padding:0 .5rem;border-radius:1rem;font-size:.85rem;white-space:nowrap}
.message{background:#f6f8fa;color:#1f2328;font-weight:400}
.note{color:#57606a;font-size:.9rem}`;
