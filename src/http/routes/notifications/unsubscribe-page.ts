// The one-click unsubscribe page: plain HTML, no scripts, styled like the status page.
const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export type UnsubscribePage = { state: 'confirm'; token: string } | { state: 'done' };

export function unsubscribePage(page: UnsubscribePage): string {
  const body =
    page.state === 'confirm'
      ? `<p>Stop the emails about requests you asked for, voted for or follow? Your notifications in the app stay as they are.</p>
<form method="post" action="/unsubscribe?token=${escape(encodeURIComponent(page.token))}"><button type="submit">Stop these emails</button></form>`
      : '<p>Done: we will not email you about requests any more. You can turn emails back on under “Notifications” after signing in.</p>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>WedSync Feature Requests — email notifications</title>
<link rel="stylesheet" href="/status.css">
</head>
<body>
<main>
<h1>Email notifications</h1>
${body}
<p><a href="/">Back to the board</a></p>
</main>
</body>
</html>`;
}
