namespace FastNode.Server.Scripting;

/// <summary>A library loaded with FUNCTION LOAD: its name, its code as given (for WITHCODE, DUMP and the RDB) and functions.</summary>
public sealed class FunctionLibrary(string name, byte[] code)
{
    public string Name { get; } = name;

    public byte[] Code { get; } = code;

    public List<LibraryFunction> Functions { get; } = [];
}

/// <summary>One function of a library: its callback is a registry reference in the engine's Lua state.</summary>
public sealed class LibraryFunction(FunctionLibrary library, string name, int callbackRef, ScriptFlags flags, string? description)
{
    public FunctionLibrary Library { get; } = library;

    public string Name { get; } = name;

    public int CallbackRef { get; } = callbackRef;

    public ScriptFlags Flags { get; } = flags;

    public string? Description { get; } = description;
}
