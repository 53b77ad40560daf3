import { portalCommand } from "../tools/portal";
import { runMain } from "../tools/runMain";

// `npm run portal [-- --stack NAME]`: the class portal of a running lab (see tools/portal/index.ts).
runMain(() => portalCommand(process.argv.slice(2)), { errorPrefix: "portal: ", errorExitCode: 2 });
