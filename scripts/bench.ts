import { runBench, runMain } from "../tools";

// `npm run bench [-- --json PATH] [-- --runs N]` (see tools/bench/).
runMain(() => runBench(process.argv.slice(2)), { errorPrefix: "bench: FAILED: " });
