import { describe, expect, it } from '@jest/globals';
import { CampaignContent } from './campaign-content.js';

const URL = 'https://app.example.com/api/v1/u/token';

describe('campaign content', () => {
  it('fills in contact fields, escaping them in HTML but not in the text part or the subject', () => {
    const content = new CampaignContent('email', {
      subject: 'News for {{companyName}}',
      body: '<h1>Hi {{firstName}}</h1><p>Plan: {{customFields.plan}} <a href="{{unsubscribeUrl}}">stop</a></p>',
    });
    const message = content.render({ firstName: 'Ada <3', companyName: 'A & B', customFields: { plan: 'gold' } }, URL);
    expect(message.subject).toBe('News for A & B');
    expect(message.html).toContain('<h1>Hi Ada &lt;3</h1>');
    expect(message.html).toContain(`href="${URL}"`);
    expect(message.text).toContain('Hi Ada <3');
    expect(message.text).toContain('Plan: gold');
    expect(message.text).toContain(URL);
  });

  it('adds an unsubscribe footer when the body does not place the link itself', () => {
    const email = new CampaignContent('email', { subject: 's', body: '<p>Hello</p>' }).render({}, URL);
    expect(email.html).toContain(`<a href="${URL}">Unsubscribe</a>`);
    expect(email.text).toContain(URL);
    const sms = new CampaignContent('sms', { subject: null, body: 'Sale, {{firstName}} & co' }).render({ firstName: 'Ada' }, URL);
    expect(sms.text).toBe(`Sale, Ada & co\nOpt out: ${URL}`);
  });

  it('leaves a missing field empty', () => {
    expect(new CampaignContent('email', { subject: 'Hi {{firstName}}!', body: '<p>{{customFields.none}}</p>' }).render({}, URL).subject).toBe('Hi !');
  });
});
