using System.Security.Cryptography;
using System.Text;

namespace Footfall.Server.Hosting;

/// <summary>
/// A node's id, kept in its data folder (<c>DATA/node-id</c>) beside the log it names: the ClickHouse store marks
/// what each node's applier stored with it, and a node resumes from its own mark. The id lives and dies with the
/// log, so a node whose data folder is lost starts as a new node with an empty log. Never copy a data folder to a
/// second node: both would resume from the same mark.
/// </summary>
public static class NodeId
{
    /// <summary>The file's name in the data folder.</summary>
    public const string FileName = "node-id";

    /// <summary>Reads the id, or creates it (durably) on the first start.</summary>
    public static string LoadOrCreate(string dataFolder)
    {
        var path = Path.Combine(dataFolder, FileName);
        if (File.Exists(path))
        {
            // The id marks every row this node's applier stores; an empty one would read as a row of an older version.
            var stored = File.ReadAllText(path).Trim();
            return stored.Length == 16 && stored.All(char.IsAsciiHexDigitLower)
                ? stored
                : throw new InvalidDataException($"{path} holds no node id (16 lowercase hex digits); restore it, or remove it only with the log folder beside it");
        }
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            file.Write(Encoding.ASCII.GetBytes(id));
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
        return id;
    }
}
