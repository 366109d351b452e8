import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { callerContext } from '../http/caller-context.js';
import { ApiKeyVerifier } from './api-key-verifier.js';
import type { ApiKeyCaller } from './authenticated-caller.js';

/** `X-Api-Key: <key>`, verified by the auth service. */
@Injectable()
export class ApiKeyAuthenticator {
  constructor(private readonly verifier: ApiKeyVerifier) {}

  /** Null refuses the request (401). */
  async validate(request: FastifyRequest): Promise<ApiKeyCaller | null> {
    const key = request.headers['x-api-key'];
    if (typeof key !== 'string') return null;
    return this.verifier.verify(key, callerContext(request));
  }
}
