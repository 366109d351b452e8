// The thread pacedLoadInWorker starts: runs one paced load and posts its figures with this thread's event-loop delay.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { loopDelayOf, pacedLoad, type PacedLoad, type PacedMeasured } from './paced-load.js';

const histogram = monitorEventLoopDelay({ resolution: 1 });
histogram.enable();
const result = await pacedLoad(workerData as PacedLoad);
histogram.disable();
const measured: PacedMeasured = { ...result, loop: loopDelayOf(histogram) };
parentPort!.postMessage(measured);
