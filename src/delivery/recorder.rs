//! Writing down which deliveries their inboxes acknowledged, in groups.

use tokio::sync::{mpsc, oneshot};

use crate::db::models::delivery_target as targets;
use crate::db::{DbPool, now};

/// At most this many acknowledged deliveries are recorded in one write.
const RECORD_GROUP: usize = 256;

/// A sent delivery to record, and who waits for it to be recorded.
struct Ack {
    delivery: i64,
    /// The instance, when this was the last delivery waiting for it.
    finished: Option<i64>,
    recorded: oneshot::Sender<Result<(), String>>,
}

/// Records acknowledged deliveries for the worker's sends, in groups: everything acknowledged
/// while one group is written goes into the next (group commit). Nothing waits for a timer: a
/// lone acknowledgement is written at once. It stops when the worker is dropped.
pub(super) struct Recorder(mpsc::UnboundedSender<Ack>);

impl Recorder {
    pub(super) fn start(pool: DbPool, owner: String) -> (Recorder, tokio::task::JoinHandle<()>) {
        let (tx, mut rx) = mpsc::unbounded_channel::<Ack>();
        let task = tokio::spawn(async move {
            let mut group = Vec::with_capacity(RECORD_GROUP);
            while rx.recv_many(&mut group, RECORD_GROUP).await > 0 {
                let sent: Vec<i64> = group.iter().map(|a| a.delivery).collect();
                let finished: Vec<i64> = group.iter().filter_map(|a| a.finished).collect();
                let written = async {
                    let mut conn = pool.write().await?;
                    targets::record_sent(&mut conn, &sent, &finished, &owner, now()).await
                };
                let result = written.await.map_err(|e| e.to_string());
                for ack in group.drain(..) {
                    let _ = ack.recorded.send(result.clone());
                }
            }
        });
        (Recorder(tx), task)
    }

    /// Records a sent delivery (with the instance, when it was the last one waiting for it)
    /// and returns once it is written.
    pub(super) async fn record(&self, delivery: i64, finished: Option<i64>) -> anyhow::Result<()> {
        let (recorded, answer) = oneshot::channel();
        // When the recorder is gone `recorded` is dropped with the message, and `answer` says so.
        let _ = self.0.send(Ack { delivery, finished, recorded });
        match answer.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => anyhow::bail!("recording sent deliveries: {e}"),
            Err(_) => anyhow::bail!("the delivery recorder stopped"),
        }
    }
}
