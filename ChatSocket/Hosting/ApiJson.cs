using System.Text.Json.Serialization;
using ChatSocket.Analytics;
using ChatSocket.History;
using ChatSocket.Identity;
using ChatSocket.Rooms;
using ChatSocket.Search;
using Microsoft.AspNetCore.Mvc;

namespace ChatSocket.Hosting;

/// <summary>
/// The HTTP API's response bodies, serialized by generated code rather than by reflection: a Native AOT build has no
/// reflection-based serializer (issue 11), and the generated code is also what a JIT build then uses. Problem responses
/// are here too: their <c>extensions</c> hold strings.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(MessagePage))]
[JsonSerializable(typeof(RoomList))]
[JsonSerializable(typeof(AuthStatus))]
[JsonSerializable(typeof(RoomStatsView))]
[JsonSerializable(typeof(ServerStatsView))]
[JsonSerializable(typeof(SearchResultsPage))]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(HttpValidationProblemDetails))]
[JsonSerializable(typeof(string))]
internal sealed partial class ApiJson : JsonSerializerContext;
