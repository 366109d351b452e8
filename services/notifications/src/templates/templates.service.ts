import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { NotificationsRpc } from '@kinship/contracts';
import { RpcError, type ErrorDetail } from '@kinship/messaging';
import { newId, withWorkspace } from '@kinship/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import { isTemplateKey, TEMPLATE_KEYS, type DefaultTemplate, type TemplateKey } from './default-template.js';
import { DEFAULT_TEMPLATES } from './defaults/index.js';
import type { CreateEmailTemplateBody } from '@kinship/contracts/notifications';
import type { PreviewTemplateRequest, UpdateTemplateRequest } from './dto/template.dto.js';
import { renderEmail, templateProblem, type RenderedEmail, type TemplateSource } from './template-renderer.js';
import { TemplatesRepository, type TemplateOverride } from './templates.repository.js';

function templateNotFound(): RpcError {
  return RpcError.notFound('Email template');
}

function keyOf(id: string): TemplateKey {
  if (!isTemplateKey(id)) throw templateNotFound();
  return id;
}

function toEmailTemplate(template: DefaultTemplate, override: TemplateOverride | null): NotificationsRpc.EmailTemplate {
  return {
    id: template.key,
    key: template.key,
    name: template.name,
    description: template.description,
    subject: override?.subject ?? template.subject,
    body: override?.body ?? template.body,
    isDefault: override === null,
    variables: Object.keys(template.sampleData).filter((variable) => variable !== template.action?.variable),
    updatedAt: override?.updatedAt.toISOString() ?? null,
  };
}

/** 422 naming every field whose template would not render, or would place a security email's link, before anything is stored. */
function assertRenderable(key: TemplateKey, source: Partial<TemplateSource>): void {
  const problems = (['subject', 'body'] as const)
    .map((field) => (source[field] === undefined ? null : templateProblem(field, source[field], DEFAULT_TEMPLATES[key].action)))
    .filter((problem): problem is ErrorDetail => problem !== null);
  if (problems.length > 0) throw RpcError.validation(problems);
}

/** The emails' templates: the defaults in code, and each workspace's overrides of them. */
@Injectable()
export class TemplatesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly templates: TemplatesRepository,
  ) {}

  async list(workspaceId: string): Promise<NotificationsRpc.EmailTemplateList> {
    const overrides = await withWorkspace(this.dataSource, workspaceId, (manager) => this.templates.list(manager, workspaceId));
    return { data: TEMPLATE_KEYS.map((key) => toEmailTemplate(DEFAULT_TEMPLATES[key], overrides.find((override) => override.key === key) ?? null)) };
  }

  async get(workspaceId: string, id: string): Promise<NotificationsRpc.EmailTemplate> {
    const key = keyOf(id);
    const override = await withWorkspace(this.dataSource, workspaceId, (manager) => this.templates.find(manager, workspaceId, key));
    return toEmailTemplate(DEFAULT_TEMPLATES[key], override);
  }

  /** A workspace overrides a template once; then PATCH changes it and DELETE goes back to the default. */
  async create(workspaceId: string, input: CreateEmailTemplateBody): Promise<NotificationsRpc.EmailTemplate> {
    if (!isTemplateKey(input.key)) throw RpcError.validation([{ field: 'key', issue: `must be one of ${TEMPLATE_KEYS.join(', ')}` }]);
    const key = input.key;
    assertRenderable(key, input);
    const created = await withWorkspace(this.dataSource, workspaceId, (manager) =>
      this.templates.insert(manager, { id: newId(), workspaceId, key, subject: input.subject, body: input.body }),
    );
    if (!created)
      throw RpcError.conflict('This workspace already overrides this template; change it with PATCH.', [
        { field: 'key', issue: 'is already overridden', existingId: key },
      ]);
    return toEmailTemplate(DEFAULT_TEMPLATES[key], created);
  }

  /** Changes what is given on top of the template as the workspace sends it now (its override, or the default). */
  async update(workspaceId: string, input: UpdateTemplateRequest): Promise<NotificationsRpc.EmailTemplate> {
    const key = keyOf(input.id);
    assertRenderable(key, input);
    const updated = await withWorkspace(this.dataSource, workspaceId, async (manager) => {
      const current = await this.source(manager, workspaceId, key);
      return this.templates.upsert(manager, { id: newId(), workspaceId, key, subject: input.subject ?? current.subject, body: input.body ?? current.body });
    });
    return toEmailTemplate(DEFAULT_TEMPLATES[key], updated);
  }

  /** Drops the override, so the default applies again; without one it changes nothing. */
  async reset(workspaceId: string, id: string): Promise<Record<string, never>> {
    const key = keyOf(id);
    await withWorkspace(this.dataSource, workspaceId, (manager) => this.templates.delete(manager, workspaceId, key));
    return {};
  }

  async preview(workspaceId: string, input: PreviewTemplateRequest): Promise<NotificationsRpc.RenderedEmail> {
    const key = keyOf(input.id);
    assertRenderable(key, input);
    const saved = await withWorkspace(this.dataSource, workspaceId, (manager) => this.source(manager, workspaceId, key));
    const source = { subject: input.subject ?? saved.subject, body: input.body ?? saved.body };
    return renderEmail(source, { ...DEFAULT_TEMPLATES[key].sampleData, ...input.data }, DEFAULT_TEMPLATES[key].action);
  }

  /** Renders the workspace's current template of a key; for sending. */
  async render(manager: EntityManager, workspaceId: string, key: TemplateKey, data: Record<string, unknown>): Promise<RenderedEmail> {
    return renderEmail(await this.source(manager, workspaceId, key), data, DEFAULT_TEMPLATES[key].action);
  }

  private async source(manager: EntityManager, workspaceId: string, key: TemplateKey): Promise<TemplateSource> {
    return (await this.templates.find(manager, workspaceId, key)) ?? DEFAULT_TEMPLATES[key];
  }
}
