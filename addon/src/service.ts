// One add-on service's lifecycle (architecture-and-style.md C7): the composition root (main.ts) constructs each
// service with a single deps object, starts them in order and stops them in reverse.
export interface Service {
  /** Short name for logs and the bus owner. */
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** One line for the start-up log; never contains a secret. */
  describe(): string;
}

/** The add-on's logger: one line per call, secrets must already be redacted by the caller. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Publishing side of the add-on's MQTT link (broker/ implements it for the embedded and external brokers). */
export interface MqttPublisher {
  publish(topic: string, payload: string | Buffer, options: { qos: 0 | 1; retain: boolean }): Promise<void>;
}
