import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { runWithRequestContext } from '@kinship/observability';
import { Observable } from 'rxjs';
import { callerContext } from './caller-context.js';

/** Runs each route handler inside its request's context, so every log line it causes carries the request id. */
@Injectable()
export class RequestContextInterceptor implements NestInterceptor {
  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    const context = callerContext(execution.switchToHttp().getRequest());
    return new Observable((subscriber) => {
      const subscription = runWithRequestContext(context, () => next.handle().subscribe(subscriber));
      return () => subscription.unsubscribe();
    });
  }
}
