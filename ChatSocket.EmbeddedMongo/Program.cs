Console.WriteLine("ChatSocket.EmbeddedMongo: not implemented yet (issue 3).");
