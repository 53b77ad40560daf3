import { exerciseCommand } from "../tools/exercise";
import { runMain } from "../tools/runMain";

// `npm run exercise [-- COMMAND [ID]] [--lang zh|en] [--stack NAME] [--config JSON]` (see tools/exercise/).
runMain(() => exerciseCommand(process.argv.slice(2)), { errorPrefix: "exercise: ", errorExitCode: 2 });
