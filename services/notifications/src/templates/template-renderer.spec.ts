import { describe, expect, it } from '@jest/globals';
import { TEMPLATE_KEYS } from './default-template.js';
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
    expect(renderEmail({ subject: '{{a}}\n{{b}}', body: 'x' }, { a: 'one', b: 'two\r\nBcc: someone@example.com' }).subject).toBe('one two Bcc: someone@example.com');
  });

  it('names the field of a template that would not render', () => {
    expect(templateProblem('body', '<p>{{#if name}}open')).toMatchObject({ field: 'body', issue: expect.stringContaining('not a valid Handlebars template') });
    expect(templateProblem('body', '{{shout name}}')).toMatchObject({ field: 'body' });
    expect(templateProblem('subject', '{{{name}}}')).toMatchObject({ field: 'subject', issue: expect.stringContaining('unescaped') });
    expect(templateProblem('body', '{{> footer}}')).toMatchObject({ field: 'body', issue: expect.stringContaining('partials') });
  });
});
