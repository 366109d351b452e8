// The thread pacedLoadInWorker starts: runs one paced load and posts its figures with this thread's event-loop delay.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { pacedLoad, type PacedLoad, type PacedMeasured } from './paced-load.js';

const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();
const result = await pacedLoad(workerData as PacedLoad);
loop.disable();
// The histogram's figures are nanoseconds between its 1 ms timer's runs: the interval plus the delay.
const measured: PacedMeasured = {
  ...result,
  loopP50Ms: loop.percentile(50) / 1e6 - 1,
  loopP99Ms: loop.percentile(99) / 1e6 - 1,
  loopMaxMs: loop.max / 1e6 - 1,
};
parentPort!.postMessage(measured);
