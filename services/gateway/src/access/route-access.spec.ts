import { describe, expect, it } from '@jest/globals';
import { Controller, Get } from '@nestjs/common';
import { Public, RequirePermission } from './route-access.js';
import { routesOf } from './route-table.js';

describe('route access declarations', () => {
  it('refuses a route that declares both @Public() and @RequirePermission()', () => {
    expect(() => {
      @Controller('both')
      class BothController {
        @Get()
        @Public()
        @RequirePermission('pipelines:read')
        both(): void {}
      }
      return BothController;
    }).toThrow('BothController.both declares its access twice');
  });

  it('reads each route’s access from its handler, else from its controller, and none when neither declares it', () => {
    @Controller('things')
    @Public()
    class ThingsController {
      @Get()
      list(): void {}

      @Get(':id')
      @RequirePermission('pipelines:read')
      get(): void {}
    }
    @Controller('bare')
    class BareController {
      @Get()
      bare(): void {}
    }
    expect(routesOf([ThingsController, BareController])).toEqual([
      { method: 'GET', path: '/api/v1/bare', access: undefined },
      { method: 'GET', path: '/api/v1/things', access: { kind: 'public' } },
      { method: 'GET', path: '/api/v1/things/:id', access: { kind: 'permission', permission: 'pipelines:read' } },
    ]);
  });
});
