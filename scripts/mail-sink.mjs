// The local mail sink of `make up`: an SMTP server that keeps what the system sends in memory,
// and a small web page to read it (http://127.0.0.1:1080). Runs against the built libs/testing,
// the very mailbox the tests use. Nothing is delivered anywhere; a restart forgets everything.
//
//   GET /                    the messages, newest first (HTML)
//   GET /messages            the same as JSON, without bodies
//   GET /messages/:id        one message as JSON: from, to, subject, text, html
//   GET /messages/:id/html   its HTML part, as the recipient would see it (scripts blocked)
//   DELETE /messages         forgets every message
import { createServer } from 'node:http';
import { startMailbox } from '../libs/testing/dist/mailbox.js';

const smtpPort = Number(process.env.MAIL_SINK_SMTP_PORT ?? 1025);
const httpPort = Number(process.env.MAIL_SINK_HTTP_PORT ?? 1080);
const host = process.env.MAIL_SINK_HOST ?? '127.0.0.1';

const mailbox = await startMailbox({ port: smtpPort, host });

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
const summary = ({ id, from, to, subject, receivedAt }) => ({ id, from, to, subject, receivedAt });
const newestFirst = () => mailbox.messages().reverse();

function indexPage() {
  const rows = newestFirst()
    .map(
      (mail) =>
        `<tr><td>${escapeHtml(mail.receivedAt)}</td><td>${escapeHtml(mail.to.join(', '))}</td><td><a href="/messages/${mail.id}/html">${escapeHtml(mail.subject || '(no subject)')}</a></td><td><a href="/messages/${mail.id}">json</a></td></tr>`,
    )
    .join('\n');
  return `<!doctype html><meta charset="utf-8"><title>Kinship mail sink</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}td,th{padding:.3em .8em;text-align:left;border-bottom:1px solid #ddd}</style>
<h1>Mail sent by Kinship (${mailbox.messages().length})</h1><p>SMTP on ${host}:${mailbox.port}; nothing leaves this machine.</p>
<table><tr><th>received</th><th>to</th><th>subject</th><th></th></tr>${rows}</table>`;
}

function send(response, status, type, body, headers = {}) {
  response.writeHead(status, { 'content-type': type, ...headers });
  response.end(body);
}

const server = createServer((request, response) => {
  const { pathname } = new URL(request.url ?? '/', 'http://sink');
  const match = /^\/messages\/([0-9a-f-]+)(\/html)?$/.exec(pathname);
  if (request.method === 'GET' && pathname === '/') return send(response, 200, 'text/html; charset=utf-8', indexPage());
  if (request.method === 'GET' && pathname === '/messages') return send(response, 200, 'application/json', JSON.stringify(newestFirst().map(summary)));
  if (request.method === 'DELETE' && pathname === '/messages') {
    mailbox.clear();
    return send(response, 204, 'text/plain', '');
  }
  if (request.method === 'GET' && match) {
    const mail = mailbox.messages().find((candidate) => candidate.id === match[1]);
    if (!mail) return send(response, 404, 'application/json', JSON.stringify({ error: 'no such message' }));
    if (!match[2]) return send(response, 200, 'application/json', JSON.stringify(mail));
    return send(response, 200, 'text/html; charset=utf-8', mail.html || `<pre>${escapeHtml(mail.text)}</pre>`, {
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data: https:",
    });
  }
  return send(response, 404, 'application/json', JSON.stringify({ error: 'not found' }));
});
server.listen(httpPort, host, () => console.log(`mail sink: SMTP on ${host}:${mailbox.port}, messages at http://${host}:${httpPort}`));

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close();
    void mailbox.close().then(() => process.exit(0));
  });
}
