using System.Text.Json.Serialization;
using ChatSocket.History;
using ChatSocket.Messages;

namespace ChatSocket.Search;

/// <summary>A search result in REST answers: the fields of a message (as in <see cref="MessageView"/>) and its text score.</summary>
internal sealed record SearchResultView(
    string Id,
    string RoomId,
    string Sender,
    string Content,
    string Timestamp,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ClientMsgId,
    double Score)
{
    public static SearchResultView From(SearchHit hit)
    {
        var message = MessageView.From(hit.Message);
        return new(message.Id, message.RoomId, message.Sender, message.Content, message.Timestamp, message.ClientMsgId, hit.Score);
    }
}
