/** The Cucumber majors roamsim's support code runs on (the peerDependency range in package.json). */
export const SUPPORTED_CUCUMBER = '>=12.0.0 <13.0.0';

/** Fails at load time, naming the installed and the supported version, when the host has another major. */
export function checkCucumberVersion(installed: string = installedCucumber()): void {
  if (Number(installed.split('.')[0]) !== 12) {
    throw new Error(`roamsim: @cucumber/cucumber ${installed} is installed; roamsim supports ${SUPPORTED_CUCUMBER} (npm install -D @cucumber/cucumber@12.9.0)`);
  }
}

function installedCucumber(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('@cucumber/cucumber/package.json') as { version: string }).version;
}
