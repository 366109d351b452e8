import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CompiledObject } from './object-schema.js';
import { ObjectsRepository } from './objects.repository.js';

interface WorkspaceObjects {
  version: string;
  objects: ReadonlyMap<string, CompiledObject>;
}

/** Workspaces whose compiled definitions a replica keeps; the least recently used one goes first. */
const WORKSPACES_KEPT = 1000;

/**
 * The workspace's live object types, compiled (validators, list definitions), kept in this process
 * and keyed by the workspace's definition version. A record request reads the version (one
 * primary-key row, in its own transaction, so it sees the definitions its writes are checked
 * against) and recompiles only when a definition changed since, on this replica or another: no
 * event to miss, no cache to flush. Built-in routes (contacts, companies, …) never come here.
 */
@Injectable()
export class ObjectCatalog {
  private readonly workspaces = new Map<string, WorkspaceObjects>();
  /** How many times definitions were compiled: what the service tests read to show the cache works. */
  compilations = 0;

  constructor(private readonly repository: ObjectsRepository) {}

  async objects(manager: EntityManager, workspaceId: string): Promise<ReadonlyMap<string, CompiledObject>> {
    const version = await this.repository.version(manager, workspaceId);
    const cached = this.workspaces.get(workspaceId);
    if (cached?.version === version) {
      // Map order is insertion order: re-inserting makes it the most recently used.
      this.workspaces.delete(workspaceId);
      this.workspaces.set(workspaceId, cached);
      return cached.objects;
    }
    const definitions = await this.repository.allLive(manager, workspaceId);
    const objects = new Map(
      definitions.map((definition) => [definition.key, new CompiledObject(definition.id, definition.key, definition.fields, definition.access)]),
    );
    this.compilations += 1;
    this.workspaces.delete(workspaceId);
    this.workspaces.set(workspaceId, { version, objects });
    if (this.workspaces.size > WORKSPACES_KEPT) this.workspaces.delete(this.workspaces.keys().next().value!);
    return objects;
  }
}
