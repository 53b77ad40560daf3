import { labCommand } from "../tools/labCommand";
import { runMain } from "../tools/runMain";

// `npm run up | down | preview | config | pulumi` (see tools/labCommand.ts).
runMain(() => labCommand(process.argv.slice(2), process.env));
