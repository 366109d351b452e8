import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { twilioSignature } from '../src/sms/twilio-signature.js';

export interface ProviderRequest {
  method: string;
  path: string;
  authorization: string;
  contentType: string;
  form: Record<string, string>;
}

export interface SmsProvider {
  url: string;
  requests: ProviderRequest[];
  server: Server;
  /** The requests that sent a text to this number. */
  to(number: string): ProviderRequest[];
  close(): Promise<void>;
}

export interface SmsProviderOptions {
  /** Signs the callbacks the provider posts on its own (reportFirst); Twilio uses the account's auth token. */
  authToken?: string;
  /**
   * Numbers whose message the provider reports delivered to its StatusCallback before it answers
   * the send: the report reaches Kinship before the send has stored the message id.
   */
  reportFirst?: (to: string) => boolean;
}

/**
 * A stand-in for Twilio's Messages API on a local port: records each request, answers with a
 * message id, refuses numbers ending in 0 (code 21211).
 */
export async function startSmsProvider(options: SmsProviderOptions = {}): Promise<SmsProvider> {
  const requests: ProviderRequest[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      void (async () => {
        const form = Object.fromEntries(new URLSearchParams(body));
        requests.push({
          method: request.method!,
          path: request.url!,
          authorization: request.headers.authorization ?? '',
          contentType: request.headers['content-type'] ?? '',
          form,
        });
        response.setHeader('content-type', 'application/json');
        if (form.To?.endsWith('0')) {
          response.statusCode = 400;
          response.end(JSON.stringify({ code: 21211, message: `The 'To' number ${form.To} is not a valid phone number.`, status: 400 }));
          return;
        }
        const sid = `SM${requests.length.toString(16).padStart(32, '0')}`;
        if (options.reportFirst?.(form.To ?? '') && form.StatusCallback && options.authToken) {
          const params = { MessageSid: sid, MessageStatus: 'delivered', To: form.To!, From: form.From! };
          await fetch(form.StatusCallback, {
            method: 'POST',
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              'x-twilio-signature': twilioSignature(options.authToken, form.StatusCallback, params),
            },
            body: new URLSearchParams(params),
          });
        }
        response.statusCode = 201;
        response.end(JSON.stringify({ sid, status: 'queued' }));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    server,
    to: (number) => requests.filter((candidate) => candidate.form.To === number),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
