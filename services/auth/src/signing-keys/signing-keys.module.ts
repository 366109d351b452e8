import { Module } from '@nestjs/common';
import { SigningKeysController } from './signing-keys.controller.js';
import { SigningKeys } from './signing-keys.js';

/** The keys that sign access tokens, and auth.signing-keys.jwks, which publishes their public halves. */
@Module({
  controllers: [SigningKeysController],
  providers: [SigningKeys],
  exports: [SigningKeys],
})
export class SigningKeysModule {}
