import { RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { MetadataScanner } from '@nestjs/core';
import { servedPath } from '../http/paths.js';
import { routeAccessOf, type RouteAccess } from './route-access.js';

/** One route as a client calls it, and the access it declares (undefined: none, so nobody may call it). */
export interface Route {
  method: string;
  path: string;
  access: RouteAccess | undefined;
}

function pathsOf(target: object): string[] {
  const paths = (Reflect.getMetadata(PATH_METADATA, target) ?? '/') as string | string[];
  return Array.isArray(paths) ? paths : [paths];
}

/** Every route of these controllers, read from the metadata Nest routes by, sorted by path then method. */
export function routesOf(controllers: readonly Type[]): Route[] {
  const scanner = new MetadataScanner();
  const routes = controllers.flatMap((controller) =>
    scanner.getAllMethodNames(controller.prototype).flatMap((name) => {
      const handler = (controller.prototype as Record<string, object>)[name]!;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) return [];
      const access = routeAccessOf(handler, controller);
      return pathsOf(controller).flatMap((base) =>
        pathsOf(handler).map((path) => ({ method: RequestMethod[method], path: servedPath(`${base}/${path}`.replace(/\/+/g, '/')), access })),
      );
    }),
  );
  return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}
