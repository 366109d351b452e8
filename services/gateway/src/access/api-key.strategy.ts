import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-custom';
import { callerContext } from '../http/caller-context.js';
import { ApiKeyVerifier } from './api-key-verifier.js';
import type { ApiKeyCaller } from './authenticated-caller.js';

export const API_KEY_STRATEGY = 'api-key';

/** `X-Api-Key: <key>`, verified by the auth service. */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(Strategy, API_KEY_STRATEGY) {
  constructor(private readonly verifier: ApiKeyVerifier) {
    super();
  }

  /** Null refuses the request (401). */
  async validate(request: FastifyRequest): Promise<ApiKeyCaller | null> {
    const key = request.headers['x-api-key'];
    if (typeof key !== 'string') return null;
    return this.verifier.verify(key, callerContext(request));
  }
}
