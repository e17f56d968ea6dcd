using Footfall.Server.Cli;

return await FootfallCommand.RunAsync(args);

/// <summary>The entry point, visible to tests that host the server in process.</summary>
public partial class Program;
