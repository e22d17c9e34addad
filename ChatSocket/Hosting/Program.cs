using ChatSocket.Hosting;

await ChatSocketApp.Create(args).RunAsync();

/// <summary>Entry point, public so that tests can host the real application.</summary>
public partial class Program;
