// Entry for Chromium: the simulators' URLs come in the page's hash; the result goes to
// `window.__mimirResult`, which the test reads through the browser driver.
import { runScenario, runtimeName, describeError } from "./scenario.mjs";

try {
  window.__mimirResult = await runScenario(JSON.parse(decodeURIComponent(location.hash.slice(1))));
} catch (e) {
  window.__mimirResult = { runtime: runtimeName(), fatal: describeError(e) };
}
