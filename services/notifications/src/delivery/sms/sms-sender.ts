/** Sends one SMS through the configured provider; resolves with the provider's message id. */
export abstract class SmsSender {
  abstract send(to: string, body: string): Promise<string>;
}
