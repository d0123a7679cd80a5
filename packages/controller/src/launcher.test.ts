// The launchers' environment: what env -S sets before node starts applies to the daemon in the foreground and,
// inherited, to the child --detach starts (the daemon adds nothing of its own).
import { describe, expect, it } from 'vitest';
import { launcherShebang } from '@ovnts/daemon/launcher';

describe('launcher environment', () => {
  it('ovnts-controller runs with 2 glibc malloc arenas', () => {
    expect(launcherShebang(new URL('../bin/ovnts-controller.js', import.meta.url)).env).toEqual({
      MALLOC_ARENA_MAX: '2',
    });
  });

  it('ovnts-controller tiers its functions up to TurboFan later than V8 by default', () => {
    expect(launcherShebang(new URL('../bin/ovnts-controller.js', import.meta.url)).nodeFlags).toContain(
      '--interrupt-budget=400000',
    );
  });

  it('ovnts-northd keeps glibc default arenas', () => {
    expect(launcherShebang(new URL('../../northd/bin/ovnts-northd.js', import.meta.url)).env).toEqual({});
  });
});
