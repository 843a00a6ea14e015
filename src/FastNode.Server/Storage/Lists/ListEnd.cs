namespace FastNode.Server.Storage.Lists;

/// <summary>Which end of a list a command pushes to or pops from (LEFT = head = index 0).</summary>
public enum ListEnd : byte
{
    Left,
    Right,
}
