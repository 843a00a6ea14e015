namespace FastNode.Server.Commands;

/// <summary>A command implementation: reads ctx.Args, writes exactly one reply through ctx.Writer.</summary>
public delegate void CommandHandler(ref CommandContext ctx);
