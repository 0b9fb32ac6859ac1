#!/usr/bin/env node
// The opaque-ke side of the JMH numbers: what each server step of @serenity-kit/opaque 1.1.0 costs inside
// node, without HTTP, so the peer's CPU per login can be split into OPAQUE and everything else.
//
//   node micro.mjs [--seconds 3] [--rounds 5]
// Prints, per operation, the median over rounds of the mean time per call (process CPU time, not wall time).

import { parseArgs } from "node:util";
import * as opaque from "@serenity-kit/opaque";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "3" }, rounds: { type: "string", default: "5" } } });
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);

await opaque.ready;
const serverSetup = opaque.server.createSetup();
const userIdentifier = "alice";
const password = "correct horse battery staple";
// The client side runs with opaque-ke's default Argon2id here; it is only the set-up and is not timed.
const { clientRegistrationState, registrationRequest } = opaque.client.startRegistration({ password });
const { registrationResponse } = opaque.server.createRegistrationResponse({ serverSetup, userIdentifier, registrationRequest });
const { registrationRecord } = opaque.client.finishRegistration({ clientRegistrationState, registrationResponse, password });
const { clientLoginState, startLoginRequest } = opaque.client.startLogin({ password });
const started = opaque.server.startLogin({ serverSetup, userIdentifier, registrationRecord, startLoginRequest });
const finished = opaque.client.finishLogin({ clientLoginState, loginResponse: started.loginResponse, password });

const operations = {
  serverRegistrationResponse: () =>
    opaque.server.createRegistrationResponse({ serverSetup, userIdentifier, registrationRequest }),
  serverLoginStartRealRecord: () =>
    opaque.server.startLogin({ serverSetup, userIdentifier, registrationRecord, startLoginRequest }),
  serverLoginStartFakeRecord: () =>
    opaque.server.startLogin({ serverSetup, userIdentifier, registrationRecord: null, startLoginRequest }),
  serverLoginFinish: () =>
    opaque.server.finishLogin({ serverLoginState: started.serverLoginState, finishLoginRequest: finished.finishLoginRequest }),
};

function cpuMicros() {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

for (const [name, operation] of Object.entries(operations)) {
  const means = [];
  for (let round = -1; round < rounds; round++) {
    let calls = 0;
    const start = cpuMicros();
    const wallEnd = performance.now() + seconds * 1000;
    while (performance.now() < wallEnd) {
      for (let i = 0; i < 50; i++) {
        operation();
      }
      calls += 50;
    }
    if (round >= 0) {
      means.push((cpuMicros() - start) / calls);
    }
  }
  means.sort((a, b) => a - b);
  const median = means[Math.floor(means.length / 2)];
  console.log(`${name.padEnd(28)} ${median.toFixed(1).padStart(8)} µs/op  (rounds: ${means.map((m) => m.toFixed(1)).join(", ")})`);
}
