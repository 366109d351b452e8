import { describe, expect, it } from '@jest/globals';
import { isTwilioSignatureValid, twilioSignature } from './twilio-signature.js';

describe('twilioSignature', () => {
  // The example of Twilio's security documentation (webhooks, "Validating Signatures from Twilio").
  const authToken = '12345';
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const params = { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' };

  it('matches the value Twilio documents for its example request', () => {
    expect(twilioSignature(authToken, url, params)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
  });

  it('does not depend on the order the parameters arrive in', () => {
    const reversed = Object.fromEntries(Object.entries(params).reverse());
    expect(twilioSignature(authToken, url, reversed)).toBe(twilioSignature(authToken, url, params));
  });

  it('refuses a signature of another URL, another parameter value, another token, or none', () => {
    const signature = twilioSignature(authToken, url, params);
    expect(isTwilioSignatureValid(authToken, url, params, signature)).toBe(true);
    expect(isTwilioSignatureValid(authToken, 'https://mycompany.com/myapp.php?foo=1&bar=3', params, signature)).toBe(false);
    expect(isTwilioSignatureValid(authToken, url, { ...params, Digits: '1235' }, signature)).toBe(false);
    expect(isTwilioSignatureValid('54321', url, params, signature)).toBe(false);
    expect(isTwilioSignatureValid(authToken, url, params, '')).toBe(false);
  });
});
