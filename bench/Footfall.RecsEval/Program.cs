using Footfall.RecsEval;

// dotnet run -c Release --project bench/Footfall.RecsEval -- eval
// dotnet run -c Release --project bench/Footfall.RecsEval -- latency [events=1000000] [requests=2000]
return args.FirstOrDefault() switch
{
    "eval" => OfflineEvaluation.Run(),
    "latency" => await LatencyBench.RunAsync(args.Length > 1 ? int.Parse(args[1]) : 1_000_000, args.Length > 2 ? int.Parse(args[2]) : 2000),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Footfall.RecsEval eval | latency [events] [requests]");
    return 2;
}
